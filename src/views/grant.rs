//! Grants as the API shows them: a role on one committee, or on every committee of a kind.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::grants::Grant;
use crate::db::kind_grants::KindGrant;
use crate::domain::{CommitteeKind, CommitteeRole};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 2, "committee_id": 1, "group_id": 2, "role": "member", "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct GrantView {
    pub id: i64,
    pub committee_id: i64,
    /// The group whose members (and the members of its child groups) hold the role.
    pub group_id: i64,
    pub role: CommitteeRole,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Grant> for GrantView {
    fn from(g: Grant) -> Self {
        GrantView {
            id: g.id,
            committee_id: g.committee_id,
            group_id: g.group_id,
            role: g.role,
            version: g.version,
            created_at: time::to_api(g.created_at),
            updated_at: time::to_api(g.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "committee_kind": "med", "group_id": 12, "role": "reader", "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct KindGrantView {
    pub id: i64,
    /// Every committee of this kind, including those created later.
    pub committee_kind: CommitteeKind,
    pub group_id: i64,
    pub role: CommitteeRole,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<KindGrant> for KindGrantView {
    fn from(g: KindGrant) -> Self {
        KindGrantView {
            id: g.id,
            committee_kind: g.committee_kind,
            group_id: g.group_id,
            role: g.role,
            version: g.version,
            created_at: time::to_api(g.created_at),
            updated_at: time::to_api(g.updated_at),
        }
    }
}
