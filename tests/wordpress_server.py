"""A real WordPress site for the connector's tests: Debian's `wordpress` package (6.1) on
this machine's MariaDB, served by PHP's built-in server on loopback.

Debian's files in /usr/share/wordpress stay untouched: each site gets a directory of
symlinks to them with its own wp-config.php (WordPress reads the config next to ABSPATH,
which the router defines) and its own wp-content for uploads. The site is installed through
WordPress's own functions (wp_install, wp_insert_user, application passwords), in a database
made for the test session and dropped after it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

WORDPRESS = Path("/usr/share/wordpress")
PHP = shutil.which("php")
MYSQL = shutil.which("mariadb") or shutil.which("mysql")
# The machine's MariaDB (CI's and the dev container's): root over TCP, no password.
DB_HOST = os.environ.get("CRIER_TEST_MARIADB_HOST", "127.0.0.1")
DB_PORT = os.environ.get("CRIER_TEST_MARIADB_PORT", "3306")
DB_USER = os.environ.get("CRIER_TEST_MARIADB_USER", "root")
START_SECONDS = 60  # generous: a loaded CI machine installs and boots PHP slowly
ROLES = ("administrator", "editor", "author", "contributor")

# The router of PHP's built-in server: static files as they are, PHP files run with ABSPATH
# set to the site's directory (so WordPress loads the site's wp-config.php, not Debian's),
# anything else to index.php as pretty permalinks need.
ROUTER = """<?php
define('ABSPATH', __DIR__ . '/');
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$file = realpath(__DIR__ . $path);
if ($file !== false && is_file($file) && substr($file, -4) !== '.php') {
    return false;
}
if ($file === false || !is_file($file)) {
    $file = __DIR__ . '/index.php';
    $_SERVER['SCRIPT_NAME'] = '/index.php';
}
chdir(dirname($file));
require $file;
"""

CONFIG = """<?php
define('DB_NAME', {db_name});
define('DB_USER', {db_user});
define('DB_PASSWORD', '');
define('DB_HOST', {db_host});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = {prefix};
define('WP_HOME', {url});
define('WP_SITEURL', {url});
define('WP_CONTENT_DIR', {content_dir});
define('WP_CONTENT_URL', {content_url});
// Application passwords need HTTPS or a local environment.
define('WP_ENVIRONMENT_TYPE', 'local');
// No loopback cron calls (the server answers one request at a time), no calls out.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
{keys}
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""

# A security plugin's habit: no API discovery in the Link header or the page head.
NO_LINK_PLUGIN = """<?php
remove_action('template_redirect', 'rest_output_link_header', 11);
remove_action('wp_head', 'rest_output_link_wp_head', 10);
"""

INSTALL = """<?php
define('WP_INSTALLING', true);
define('ABSPATH', {root});
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install(
    'Crier test site', 'administrator', 'administrator@crier.invalid', false, '',
    wp_generate_password()
);
update_option('permalink_structure', {permalinks});
$users = [];
foreach ({roles} as $role) {{
    $id = $role === 'administrator' ? 1 : wp_insert_user([
        'user_login' => $role, 'user_pass' => wp_generate_password(),
        'user_email' => $role . '@crier.invalid', 'role' => $role,
    ]);
    [$password] = WP_Application_Passwords::create_new_application_password(
        $id, ['name' => 'Crier']
    );
    $users[$role] = ['id' => $id, 'password' => $password];
}}
$category = wp_insert_term('News & Events', 'category');
echo json_encode(['users' => $users, 'category' => $category['term_id']]);
"""


@dataclass(frozen=True)
class User:
    login: str
    id: int
    password: str  # an application password


@dataclass
class Site:
    url: str
    users: dict[str, User]
    category_id: int  # "News & Events", stored by WordPress as "News &amp; Events"

    @property
    def admin(self) -> httpx.Client:
        """A client signed in as the administrator, to read back what WordPress stored."""
        user = self.users["administrator"]
        return httpx.Client(auth=(user.login, user.password), timeout=30)

    def api(self, route: str) -> str:
        """A wp/v2 URL in the form every site answers, permalinks or not."""
        return f"{self.url}/?rest_route=/wp/v2/{route.lstrip('/')}"


@dataclass(frozen=True)
class Sites:
    pretty: Site  # pretty permalinks, the API's Link header
    bare: Site  # plain permalinks, no Link header (as a security plugin leaves a site)


@contextmanager
def sites() -> Iterator[Sites]:
    """The two sites the tests use, in one database made and dropped here."""
    with (
        database() as db_name,
        site(db_name, "pretty_", pretty_permalinks=True, link_header=True) as pretty,
        site(db_name, "bare_", pretty_permalinks=False, link_header=False) as bare,
    ):
        yield Sites(pretty, bare)


def unavailable() -> str | None:
    """Why no WordPress can run here, or None."""
    if not (WORDPRESS / "wp-settings.php").is_file():
        return "Debian's wordpress package is not installed"
    if not (PHP and MYSQL):
        return "php-cli and a MariaDB client are needed"
    try:
        _sql("SELECT 1")
    except subprocess.CalledProcessError as error:
        return f"MariaDB at {DB_HOST}:{DB_PORT} refuses: {error.stderr.decode().strip()}"
    except (OSError, subprocess.SubprocessError) as error:
        return f"MariaDB at {DB_HOST}:{DB_PORT} does not answer: {error}"
    return None


def _sql(statement: str) -> None:
    subprocess.run(
        [MYSQL, "-h", DB_HOST, "-P", DB_PORT, "-u", DB_USER, "-e", statement],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database() -> Iterator[str]:
    name = f"crier_wp_{secrets.token_hex(6)}"
    _sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        _sql(f"DROP DATABASE IF EXISTS {name}")


@contextmanager
def site(
    db_name: str, prefix: str, *, pretty_permalinks: bool, link_header: bool
) -> Iterator[Site]:
    """One WordPress site in `db_name` (tables `prefix`*), served until the block ends."""
    with tempfile.TemporaryDirectory(prefix="crier-wp-") as directory:
        root = Path(directory)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        for entry in WORDPRESS.iterdir():
            if entry.name not in ("wp-config.php", "wp-content"):
                (root / entry.name).symlink_to(entry)
        content = root / "wp-content"
        (content / "uploads").mkdir(parents=True)
        (content / "mu-plugins").mkdir()
        (content / "plugins").symlink_to(WORDPRESS / "wp-content" / "plugins")
        (content / "themes").symlink_to(WORDPRESS / "wp-content" / "themes")
        if not link_header:
            (content / "mu-plugins" / "no-api-link.php").write_text(NO_LINK_PLUGIN)
        keys = "\n".join(
            f"define('{kind}_{part}', '{secrets.token_hex(32)}');"
            for kind in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE")
            for part in ("KEY", "SALT")
        )
        (root / "wp-config.php").write_text(
            CONFIG.format(
                db_name=_php(db_name),
                db_user=_php(DB_USER),
                db_host=_php(f"{DB_HOST}:{DB_PORT}"),
                prefix=_php(prefix),
                url=_php(url),
                content_dir=_php(str(content)),
                content_url=_php(f"{url}/wp-content"),
                keys=keys,
            )
        )
        (root / "router.php").write_text(ROUTER)
        installed = _php_run(
            root,
            INSTALL.format(
                root=_php(f"{root}/"),
                permalinks=_php("/%postname%/" if pretty_permalinks else ""),
                roles="[" + ", ".join(_php(role) for role in ROLES) + "]",
            ),
        )
        users = {
            role: User(role, int(user["id"]), user["password"])
            for role, user in installed["users"].items()
        }
        log = (root / "server.log").open("wb")
        process = subprocess.Popen(
            [PHP, "-S", f"127.0.0.1:{port}", "-t", str(root), str(root / "router.php")],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        with ExitStack() as stack:
            stack.callback(log.close)
            stack.callback(_stop, process)
            _wait_until_up(url, process, root / "server.log")
            yield Site(url, users, int(installed["category"]))


def _php(value: str) -> str:
    """A PHP string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _php_run(root: Path, script: str) -> dict:
    path = root / "install.php"
    path.write_text(script)
    done = subprocess.run(
        [PHP, str(path)], cwd=root, capture_output=True, text=True, timeout=START_SECONDS
    )
    path.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"WordPress install failed: {done.stdout}{done.stderr}")
    # WordPress may print notices before the JSON: the answer is the last line.
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"php -S exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/?rest_route=/", timeout=10).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"WordPress at {url} did not answer within {START_SECONDS} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
