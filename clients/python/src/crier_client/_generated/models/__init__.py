""" Contains all the data models used in inputs/outputs """

from .account_point import AccountPoint
from .account_series import AccountSeries
from .account_timezone_request import AccountTimezoneRequest
from .api_v1_accounts_next_slot_retrieve_content_type import ApiV1AccountsNextSlotRetrieveContentType
from .api_v1_media_list_status import ApiV1MediaListStatus
from .api_v1_planned_posts_list_status import ApiV1PlannedPostsListStatus
from .api_v1_posts_list_state import ApiV1PostsListState
from .approve_request import ApproveRequest
from .approve_request_networks import ApproveRequestNetworks
from .attempt import Attempt
from .authorization_url import AuthorizationUrl
from .blank_enum import BlankEnum
from .bulk_request import BulkRequest
from .bulk_state_enum import BulkStateEnum
from .content_type_enum import ContentTypeEnum
from .created_webhook_endpoint import CreatedWebhookEndpoint
from .day_of_week_enum import DayOfWeekEnum
from .delivery import Delivery
from .delivery_error_type_0 import DeliveryErrorType0
from .draft_request import DraftRequest
from .events_enum import EventsEnum
from .from_url_request_request import FromUrlRequestRequest
from .from_url_response import FromUrlResponse
from .job_accepted import JobAccepted
from .job_status import JobStatus
from .job_status_payload import JobStatusPayload
from .mark_read_request import MarkReadRequest
from .media import Media
from .media_ref import MediaRef
from .media_ref_request import MediaRefRequest
from .media_status_enum import MediaStatusEnum
from .member_workspace import MemberWorkspace
from .network_block_request import NetworkBlockRequest
from .network_block_type_enum import NetworkBlockTypeEnum
from .next_slot import NextSlot
from .notification import Notification
from .notifications_marked import NotificationsMarked
from .outcome_enum import OutcomeEnum
from .paginated_media_list import PaginatedMediaList
from .paginated_notification_list import PaginatedNotificationList
from .paginated_planned_post_list import PaginatedPlannedPostList
from .paginated_post_list import PaginatedPostList
from .paginated_posting_schedule_list import PaginatedPostingScheduleList
from .paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from .paginated_webhook_endpoint_list import PaginatedWebhookEndpointList
from .patched_post_update_request import PatchedPostUpdateRequest
from .patched_post_update_request_networks import PatchedPostUpdateRequestNetworks
from .patched_posting_schedule_request import PatchedPostingScheduleRequest
from .patched_webhook_endpoint_request import PatchedWebhookEndpointRequest
from .patched_workspace_settings_request import PatchedWorkspaceSettingsRequest
from .planned_post import PlannedPost
from .planned_post_request import PlannedPostRequest
from .planned_post_status_enum import PlannedPostStatusEnum
from .post import Post
from .post_input_request import PostInputRequest
from .post_input_request_networks import PostInputRequestNetworks
from .post_point import PostPoint
from .post_point_extra import PostPointExtra
from .post_series import PostSeries
from .posting_schedule import PostingSchedule
from .posting_schedule_request import PostingScheduleRequest
from .recurrence_request import RecurrenceRequest
from .reject_request import RejectRequest
from .rendition import Rendition
from .role_enum import RoleEnum
from .schedule_request_request import ScheduleRequestRequest
from .schedule_state_enum import ScheduleStateEnum
from .social_account import SocialAccount
from .social_account_status_enum import SocialAccountStatusEnum
from .target_request import TargetRequest
from .token_connect_request import TokenConnectRequest
from .upload_form_request import UploadFormRequest
from .upload_url_request_request import UploadUrlRequestRequest
from .upload_url_request_type_enum import UploadUrlRequestTypeEnum
from .upload_url_response import UploadUrlResponse
from .user import User
from .validation_preview import ValidationPreview
from .validation_preview_posts_item import ValidationPreviewPostsItem
from .webhook_attempt import WebhookAttempt
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_status_enum import WebhookDeliveryStatusEnum
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_request import WebhookEndpointRequest
from .workspace_settings import WorkspaceSettings

__all__ = (
    "AccountPoint",
    "AccountSeries",
    "AccountTimezoneRequest",
    "ApiV1AccountsNextSlotRetrieveContentType",
    "ApiV1MediaListStatus",
    "ApiV1PlannedPostsListStatus",
    "ApiV1PostsListState",
    "ApproveRequest",
    "ApproveRequestNetworks",
    "Attempt",
    "AuthorizationUrl",
    "BlankEnum",
    "BulkRequest",
    "BulkStateEnum",
    "ContentTypeEnum",
    "CreatedWebhookEndpoint",
    "DayOfWeekEnum",
    "Delivery",
    "DeliveryErrorType0",
    "DraftRequest",
    "EventsEnum",
    "FromUrlRequestRequest",
    "FromUrlResponse",
    "JobAccepted",
    "JobStatus",
    "JobStatusPayload",
    "MarkReadRequest",
    "Media",
    "MediaRef",
    "MediaRefRequest",
    "MediaStatusEnum",
    "MemberWorkspace",
    "NetworkBlockRequest",
    "NetworkBlockTypeEnum",
    "NextSlot",
    "Notification",
    "NotificationsMarked",
    "OutcomeEnum",
    "PaginatedMediaList",
    "PaginatedNotificationList",
    "PaginatedPlannedPostList",
    "PaginatedPostingScheduleList",
    "PaginatedPostList",
    "PaginatedWebhookDeliveryList",
    "PaginatedWebhookEndpointList",
    "PatchedPostingScheduleRequest",
    "PatchedPostUpdateRequest",
    "PatchedPostUpdateRequestNetworks",
    "PatchedWebhookEndpointRequest",
    "PatchedWorkspaceSettingsRequest",
    "PlannedPost",
    "PlannedPostRequest",
    "PlannedPostStatusEnum",
    "Post",
    "PostingSchedule",
    "PostingScheduleRequest",
    "PostInputRequest",
    "PostInputRequestNetworks",
    "PostPoint",
    "PostPointExtra",
    "PostSeries",
    "RecurrenceRequest",
    "RejectRequest",
    "Rendition",
    "RoleEnum",
    "ScheduleRequestRequest",
    "ScheduleStateEnum",
    "SocialAccount",
    "SocialAccountStatusEnum",
    "TargetRequest",
    "TokenConnectRequest",
    "UploadFormRequest",
    "UploadUrlRequestRequest",
    "UploadUrlRequestTypeEnum",
    "UploadUrlResponse",
    "User",
    "ValidationPreview",
    "ValidationPreviewPostsItem",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryStatusEnum",
    "WebhookEndpoint",
    "WebhookEndpointRequest",
    "WorkspaceSettings",
)
