//! An access group, and a member added to one here, as the API shows them.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::groups::AccessGroup;
use crate::db::members::Member;
use crate::domain::Tier;
use crate::time;

/// An access group: an AD/Entra group (or a local one) whose members share access.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 3, "name": "Borgerservice", "external_id": "9b2e4c1a-5d3f-4e8b-a6c7-1f0e2d3c4b5a", "tier": "unit", "parent_id": null, "description": "Borgerservice i Kalundborg Kommune.", "manages_subtree": false, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct AccessGroupView {
    pub id: i64,
    pub name: String,
    /// The group id tokens carry in their `groups` claim; `null` for a group known only here.
    pub external_id: Option<String>,
    pub tier: Tier,
    /// The group this one belongs to: its members are members of the parent too.
    pub parent_id: Option<i64>,
    pub description: Option<String>,
    /// Direct members of this group manage it and every group below it, and the committees those
    /// groups own (delegated administration).
    pub manages_subtree: bool,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<AccessGroup> for AccessGroupView {
    fn from(g: AccessGroup) -> Self {
        AccessGroupView {
            id: g.id,
            name: g.name,
            external_id: g.external_id,
            tier: g.tier,
            parent_id: g.parent_id,
            description: g.description,
            manages_subtree: g.manages_subtree,
            version: g.version,
            created_at: time::to_api(g.created_at),
            updated_at: time::to_api(g.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "group_id": 3, "subject": "ekstern.konsulent@kalundborg.dk", "added_by": "alice", "version": 1, "created_at": "2022-04-19T09:15:00+02:00"})))]
pub struct MemberView {
    pub id: i64,
    pub group_id: i64,
    /// The member's user subject (the `sub` of their tokens).
    pub subject: String,
    /// Who added them.
    pub added_by: String,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            id: m.id,
            group_id: m.group_id,
            subject: m.subject,
            added_by: m.added_by,
            version: m.version,
            created_at: time::to_api(m.created_at),
        }
    }
}
