//! A webhook subscription and its deliveries as the API shows them.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::webhooks::{Delivery, Status, Subscription};
use crate::domain::events::Event;
use crate::time;

/// Who owns a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOwner {
    /// `user` (an admin) or `client` (a service client).
    pub kind: String,
    /// The user's subject or the client's `client_id`.
    pub subject: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "url": "https://esdh.kalundborg.dk/hooks/dagsorden", "events": ["agenda.published", "minutes.published"], "description": "Referater til journalisering", "enabled": true, "disabled_reason": null, "owner": {"kind": "client", "subject": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a"}, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    /// The events sent; empty for every event.
    #[schema(max_items = 50)]
    pub events: Vec<Event>,
    pub description: Option<String>,
    /// A turned-off subscription is sent nothing until it is turned on again; what changes meanwhile
    /// waits for it.
    pub enabled: bool,
    /// Why the service turned it off (the receiver answered 410 Gone).
    pub disabled_reason: Option<String>,
    pub owner: WebhookOwner,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Subscription> for WebhookView {
    fn from(s: Subscription) -> Self {
        WebhookView {
            id: s.id,
            events: s.events(),
            url: s.url,
            description: s.description,
            enabled: s.enabled,
            disabled_reason: s.disabled_reason,
            owner: WebhookOwner {
                kind: if s.owner_is_client { "client" } else { "user" }.to_owned(),
                subject: s.owner_subject,
            },
            version: s.version,
            created_at: time::to_api(s.created_at),
            updated_at: time::to_api(s.updated_at),
        }
    }
}

/// A subscription with its signing secret: only in the answer to its creation and to rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "url": "https://esdh.kalundborg.dk/hooks/dagsorden", "events": ["agenda.published", "minutes.published"], "description": "Referater til journalisering", "enabled": true, "disabled_reason": null, "owner": {"kind": "client", "subject": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a"}, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// Shown this once. Deliveries are signed with it as Standard Webhooks describes:
    /// `webhook-signature` is `v1,` and the base64 HMAC-SHA256, keyed with the base64-decoded part
    /// after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}`.
    #[schema(pattern = "^whsec_[A-Za-z0-9+/=]+$")]
    pub secret: String,
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt (`next_attempt_at`).
    Pending,
    Delivered,
    /// Every attempt failed (or the receiver answered 410 Gone).
    Failed,
    /// Not sent: its owner could no longer sign in, or no longer saw the change.
    Skipped,
}

impl DeliveryStatus {
    pub fn stored(self) -> Status {
        match self {
            DeliveryStatus::Pending => Status::Pending,
            DeliveryStatus::Delivered => Status::Delivered,
            DeliveryStatus::Failed => Status::Failed,
            DeliveryStatus::Skipped => Status::Skipped,
        }
    }

    fn of(stored: &str) -> DeliveryStatus {
        match stored {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "skipped" => DeliveryStatus::Skipped,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One change sent to a subscription, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 7, "webhook_id": 1, "message_id": "msg_dgs_7", "change_cursor": "id.4711", "event": "minutes.published", "status": "delivered", "attempts": 1, "last_status": 204, "last_error": null, "last_attempt_at": "2022-04-27T09:00:01+02:00", "next_attempt_at": null, "delivered_at": "2022-04-27T09:00:01+02:00", "created_at": "2022-04-27T09:00:00+02:00"})))]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    /// The `webhook-id` header of every attempt at it: a receiver that has seen it has it already.
    pub message_id: String,
    /// The change's `cursor` in the feed (`data.cursor` of the body): `GET /v1/changes?since=` it
    /// gives what changed after it.
    pub change_cursor: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    pub last_attempt_at: Option<DateTime<FixedOffset>>,
    /// The receiver's status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// What went wrong at the last attempt (or why it was skipped).
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            id: d.id,
            webhook_id: d.subscription_id,
            message_id: crate::domain::webhooks::message_id(d.id),
            change_cursor: super::id_cursor(d.change_id),
            event: d.event,
            status: DeliveryStatus::of(&d.status),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.map(time::to_api),
            last_attempt_at: d.last_attempt_at.map(time::to_api),
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(time::to_api),
            created_at: time::to_api(d.created_at),
        }
    }
}
