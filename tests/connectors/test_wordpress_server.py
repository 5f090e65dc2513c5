"""WordPress connector against a real WordPress 6.1 (Debian's package, MariaDB, PHP's server).

What WordPress really stored is read back through its REST API as the administrator. Two
sites run for the session (tests/wordpress_server.py): `pretty` with pretty permalinks and
the API's Link header, `bare` with plain permalinks and no Link header, as a security plugin
leaves a site. The exact requests and the error mapping are in test_wordpress.py (respx).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from accounts.models import SocialAccount
from connectors.base import Content, MediaItem
from connectors.errors import AuthExpired, PermanentError
from connectors.wordpress import WordPressConnector
from tests.fileserver import FileServer, serving
from tests.media import files
from tests.real_servers import connect, publish_now
from tests.wordpress_server import Site

pytestmark = pytest.mark.slow


@pytest.fixture
def connector(private_urls_allowed) -> Iterator[WordPressConnector]:
    with WordPressConnector(timeout=30) as connector:
        yield connector


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Iterator[FileServer]:
    folder = tmp_path_factory.mktemp("wordpress-media")
    with serving(
        {
            "/cover.png": files.image_bytes("PNG"),
            "/inline.jpg": files.image_bytes("JPEG"),
            "/clip.mp4": files.video_bytes(folder / "clip.mp4", fps=10),
        }
    ) as server:
        yield server


def fields(site: Site, role: str, password: str | None = None) -> dict[str, str]:
    user = site.users[role]
    return {
        "site_url": site.url,
        "username": user.login,
        "application_password": password or user.password,
    }


def stored(site: Site, route: str) -> dict:
    """What WordPress holds, in its edit form (raw title and content)."""
    with site.admin as admin:
        # Appended, not params=: httpx would replace the rest_route query.
        response = admin.get(site.api(route) + "&context=edit")
    response.raise_for_status()
    return response.json()


def test_connect_takes_authors_and_editors_and_refuses_a_contributor(wordpress, connector):
    site = wordpress.pretty
    for role in ("author", "editor"):
        credentials, profile = connector.connect(fields(site, role))
        user_id = site.users[role].id
        assert profile.external_id == credentials.external_id == f"{site.url}#user-{user_id}"
        assert credentials.extra["api_root"] == f"{site.url}/wp-json/"  # from the Link header
        assert credentials.extra["user_id"] == user_id
        assert profile.username == role
        assert profile.display_name == "Crier test site"

    with pytest.raises(PermanentError) as refused:
        connector.connect(fields(site, "contributor"))
    assert refused.value.code == "cannot_publish"


def test_connect_with_a_wrong_password_gives_wordpress_reason_and_what_to_check(
    wordpress, connector
):
    with pytest.raises(PermanentError) as refused:
        connector.connect(fields(wordpress.pretty, "author", "abcd efgh ijkl mnop qrst uvwx"))

    # WordPress 6.1 checks the application password after its API collected authentication
    # errors: a wrong one comes back as "not logged in", not as incorrect_password.
    assert refused.value.code == "rest_not_logged_in"
    assert refused.value.status == 401
    assert refused.value.message.startswith("You are not currently logged in. (")
    assert "not the login password, and check that it was not revoked" in refused.value.message


def test_text_post_with_title_tags_and_an_escaped_category_is_stored_as_sent(wordpress, connector):
    site = wordpress.pretty
    credentials, _ = connector.connect(fields(site, "author"))

    published = connector.publish(
        Content(
            text="Launch day\n\nWe shipped the <em>new</em> release.",
            idempotency_key="wp-real-1",
            options={"tags": ["crier", "Launch Notes"], "categories": ["News & Events"]},
        ),
        credentials,
    )

    assert published.state == "published"
    post = stored(site, f"posts/{published.external_id}")
    assert post["status"] == "publish"
    assert post["author"] == site.users["author"].id
    assert post["title"]["raw"] == "Launch day"
    # The first line became the title and left the body: the page shows it once.
    assert "Launch day" not in post["content"]["raw"]
    assert post["content"]["rendered"].count("We shipped the <em>new</em> release.") == 1
    assert post["categories"] == [site.category_id]
    tags = {stored(site, f"tags/{tag}")["name"] for tag in post["tags"]}
    assert tags == {"crier", "Launch Notes"}
    assert published.url == post["link"]
    assert httpx.get(published.url, timeout=30).status_code == 200


def test_first_image_is_featured_and_the_other_files_become_image_and_video_blocks(
    wordpress, connector, media
):
    site = wordpress.pretty
    credentials, _ = connector.connect(fields(site, "editor"))

    published = connector.publish(
        Content(
            text="Pictures and a clip",
            idempotency_key="wp-real-2",
            options={"title": "Gallery"},
            media=[
                MediaItem(url=media.url("/cover.png"), mime_type="image/png", alt_text="Cover"),
                MediaItem(url=media.url("/inline.jpg"), mime_type="image/jpeg", alt_text="In"),
                MediaItem(url=media.url("/clip.mp4"), mime_type="video/mp4"),
            ],
        ),
        credentials,
    )

    post = stored(site, f"posts/{published.external_id}")
    featured = stored(site, f"media/{post['featured_media']}")
    assert featured["mime_type"] == "image/png"
    assert featured["alt_text"] == "Cover"
    content = post["content"]["raw"]
    assert content.startswith("Pictures and a clip")
    assert content.count("<!-- wp:image") == 1 and content.count("<!-- wp:video") == 1
    rendered = post["content"]["rendered"]
    for kind, mime in (("image", "image/jpeg"), ("video", "video/mp4")):
        block = content.split(f"<!-- wp:{kind} ")[1]
        media_id = int(block.split('"id": ')[1].split("}")[0])
        item = stored(site, f"media/{media_id}")
        assert item["mime_type"] == mime
        assert rendered.count(item["source_url"]) == 1
        # The file really is on the site, as WordPress links it.
        assert httpx.get(item["source_url"], timeout=30).status_code == 200
    assert featured["source_url"] not in content  # featured, not repeated in the body


def test_a_past_date_option_is_kept_and_the_post_published(wordpress, connector):
    site = wordpress.pretty
    credentials, _ = connector.connect(fields(site, "author"))
    when = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)

    published = connector.publish(
        Content(text="Backdated", idempotency_key="wp-real-3", options={"date": when.isoformat()}),
        credentials,
    )

    post = stored(site, f"posts/{published.external_id}")
    assert published.state == "published" and post["status"] == "publish"
    assert post["date_gmt"] == when.strftime("%Y-%m-%dT%H:%M:%S")


def test_a_post_wordpress_holds_as_scheduled_is_polled_until_it_goes_live(wordpress, connector):
    # A WordPress clock running ahead of Crier's holds a post as `future`: made here by
    # the administrator, then published by hand as WordPress would when its time comes.
    site = wordpress.pretty
    credentials, _ = connector.connect(fields(site, "editor"))
    later = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    with site.admin as admin:
        future = admin.post(
            site.api("posts"), json={"title": "Soon", "status": "future", "date_gmt": later}
        ).json()
    assert future["status"] == "future"

    waiting = connector.poll(str(future["id"]), credentials)
    assert waiting.state == "processing"

    with site.admin as admin:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        admin.post(
            site.api(f"posts/{future['id']}"), json={"status": "publish", "date_gmt": now}
        ).raise_for_status()
    live = connector.poll(str(future["id"]), credentials)
    assert live.state == "published"
    assert live.url == stored(site, f"posts/{future['id']}")["link"]


def test_a_revoked_application_password_is_auth_expired_with_wordpress_refusal(
    wordpress, connector
):
    site = wordpress.pretty
    user = site.users["author"]
    with site.admin as admin:
        made = admin.post(site.api(f"users/{user.id}/application-passwords"), json={"name": "x"})
    made.raise_for_status()
    credentials, _ = connector.connect(fields(site, "author", made.json()["password"]))
    with site.admin as admin:
        admin.delete(
            site.api(f"users/{user.id}/application-passwords/{made.json()['uuid']}")
        ).raise_for_status()

    with pytest.raises(AuthExpired) as refused:
        connector.publish(Content(text="Too late", idempotency_key="wp-real-4"), credentials)

    # WordPress's own refusal is kept for the delivery, not replaced by a generic one. Like
    # a wrong password at connect, a revoked one reads as no user at all (see above).
    assert refused.value.code == "rest_cannot_create"
    assert refused.value.status == 401
    assert "Sorry, you are not allowed to create posts as this user." in refused.value.message
    assert "rest_cannot_create" in (refused.value.platform_response or "")


@pytest.mark.django_db
def test_two_users_of_one_site_are_two_accounts_and_a_revoked_one_fails_in_wordpress_words(
    wordpress, owner, private_urls_allowed, eager_tasks, django_capture_on_commit_callbacks
):
    site = wordpress.pretty
    user = site.users["editor"]
    with site.admin as admin:  # the editor's own password, to revoke below
        made = admin.post(site.api(f"users/{user.id}/application-passwords"), json={"name": "y"})
    made.raise_for_status()
    author = connect(owner, "wordpress", fields(site, "author"))
    editor = connect(owner, "wordpress", fields(site, "editor", made.json()["password"]))
    assert author != editor
    # Reconnecting finds the same account.
    assert connect(owner, "wordpress", fields(site, "author")) == author

    on_commit = django_capture_on_commit_callbacks
    delivery = publish_now(owner, author, "wordpress", "From the author", on_commit)
    assert delivery.status == "published"
    post = stored(site, f"posts/{delivery.external_id}")
    assert post["author"] == site.users["author"].id

    with site.admin as admin:
        admin.delete(
            site.api(f"users/{user.id}/application-passwords/{made.json()['uuid']}")
        ).raise_for_status()
    delivery = publish_now(owner, editor, "wordpress", "Too late", on_commit)

    # No refresh flow: the delivery keeps WordPress's own refusal, the account asks for a
    # reconnect.
    assert (delivery.status, delivery.error_code) == ("failed", "needs_reauth")
    assert "Sorry, you are not allowed to create posts as this user." in delivery.error_message
    assert json.loads(delivery.error_response)["code"] == "rest_cannot_create"
    account = SocialAccount.objects.get(pk=editor)
    assert account.status == "needs_reauth"


def test_a_site_without_the_link_header_and_pretty_permalinks_is_reached_by_rest_route(
    wordpress, connector
):
    site = wordpress.bare
    assert "link" not in httpx.head(f"{site.url}/", timeout=30).headers
    front = httpx.get(f"{site.url}/wp-json/", timeout=30)
    assert not front.headers["content-type"].startswith("application/json")

    credentials, _ = connector.connect(fields(site, "author"))
    published = connector.publish(
        Content(text="Plain permalinks", idempotency_key="wp-real-5"), credentials
    )

    assert credentials.extra["api_root"] == f"{site.url}/?rest_route=/"
    post = stored(site, f"posts/{published.external_id}")
    assert post["title"]["raw"] == "Plain permalinks"
    assert published.url == post["link"] == f"{site.url}/?p={published.external_id}"
