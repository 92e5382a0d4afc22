//! A cost allocation and the yearly report of what each unit pays, as the API shows them.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::allocations::{Allocation, Payer};
use crate::domain::allocation::{AllocationStatus, Currency, Method, Recurrence};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
pub struct PayerView {
    pub group_id: i64,
    pub weight: Option<i64>,
    pub amount_ore: Option<i64>,
    /// For `by_active_users`: the active users counted in the unit's groups at `counted_at`.
    pub active_users: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub group_id: i64,
    pub group_name: String,
    /// What the unit pays, in øre: for an annual allocation, each year.
    pub share_ore: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "title": "MARS – mellemkommunale betalinger", "description": "Løbende driftsudgift, betalt af de berørte partnerskabsholdere.", "total_ore": 19374600, "currency": "DKK", "kind": "annual", "first_year": 2021, "last_year": null, "price_year": 2021, "item_id": 5, "item_amount_id": 1, "status": "approved", "method": "equal", "payers": [{"group_id": 3, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 4, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 5, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 6, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 7, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 8, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 9, "weight": null, "amount_ore": null, "active_users": null}], "counted_at": null, "shares": [{"group_id": 3, "group_name": "Borgerservice", "share_ore": 2767800}, {"group_id": 4, "group_name": "Voksenspecialenheden", "share_ore": 2767800}, {"group_id": 5, "group_name": "Jobcentret", "share_ore": 2767800}, {"group_id": 6, "group_name": "Sundhed og Myndighed", "share_ore": 2767800}, {"group_id": 7, "group_name": "Børn og Familie", "share_ore": 2767800}, {"group_id": 8, "group_name": "Børn, Læring og Uddannelse", "share_ore": 2767800}, {"group_id": 9, "group_name": "Økonomistaben", "share_ore": 2767800}], "version": 1, "created_at": "2021-04-26T15:00:00+02:00", "updated_at": "2021-04-26T15:00:00+02:00"})))]
pub struct AllocationView {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    /// In øre: for an annual allocation, each year.
    pub total_ore: i64,
    pub currency: Currency,
    pub kind: Recurrence,
    pub first_year: i32,
    /// The last year an annual allocation runs; open-ended without one.
    pub last_year: Option<i32>,
    /// The price level of the amounts ("2021-priser").
    pub price_year: Option<i32>,
    /// The agenda item that decided it.
    pub item_id: Option<i64>,
    /// The item's amount it was made from.
    pub item_amount_id: Option<i64>,
    pub status: AllocationStatus,
    pub method: Method,
    pub payers: Vec<PayerView>,
    /// The computed shares: they add up to `total_ore` exactly.
    pub shares: Vec<ShareView>,
    /// When the active users behind a `by_active_users` split were counted.
    pub counted_at: Option<DateTime<FixedOffset>>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl AllocationView {
    /// The allocation with its payers (of `payers`, those that are its own) and their units' names.
    pub fn new(allocation: Allocation, payers: &[Payer], names: &HashMap<i64, String>) -> AllocationView {
        let mine: Vec<&Payer> = payers.iter().filter(|p| p.allocation_id == allocation.id).collect();
        AllocationView {
            id: allocation.id,
            title: allocation.title,
            description: allocation.description,
            total_ore: allocation.total_ore,
            currency: allocation.currency,
            kind: allocation.kind,
            first_year: allocation.first_year,
            last_year: allocation.last_year,
            price_year: allocation.price_year,
            item_id: allocation.item_id,
            item_amount_id: allocation.item_amount_id,
            status: allocation.status,
            method: allocation.method,
            payers: mine
                .iter()
                .map(|p| PayerView {
                    group_id: p.group_id,
                    weight: p.weight,
                    amount_ore: p.amount_ore,
                    active_users: p.active_users,
                })
                .collect(),
            shares: mine
                .iter()
                .map(|p| ShareView {
                    group_id: p.group_id,
                    group_name: names.get(&p.group_id).cloned().unwrap_or_default(),
                    share_ore: p.share_ore,
                })
                .collect(),
            counted_at: allocation.counted_at.map(time::to_api),
            version: allocation.version,
            created_at: time::to_api(allocation.created_at),
            updated_at: time::to_api(allocation.updated_at),
        }
    }
}

/// One allocation's share in a unit's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportLine {
    pub allocation_id: i64,
    pub title: String,
    pub kind: Recurrence,
    pub status: AllocationStatus,
    pub method: Method,
    pub price_year: Option<i32>,
    pub item_id: Option<i64>,
    pub share_ore: i64,
}

/// What one unit pays in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReport {
    pub group_id: i64,
    pub group_name: String,
    pub total_ore: i64,
    pub lines: Vec<ReportLine>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"year": 2021, "include_proposed": false, "total_ore": 15978700, "units": [{"group_id": 9, "group_name": "Økonomistaben", "total_ore": 15978700, "lines": [{"allocation_id": 1, "title": "MARS – mellemkommunale betalinger", "kind": "annual", "status": "approved", "method": "equal", "price_year": 2021, "item_id": 5, "share_ore": 2767800}, {"allocation_id": 2, "title": "MARS – særligt dyre enkeltsager", "kind": "annual", "status": "approved", "method": "equal", "price_year": 2021, "item_id": null, "share_ore": 1210900}, {"allocation_id": 3, "title": "MARS – implementering", "kind": "one_off", "status": "approved", "method": "equal", "price_year": null, "item_id": null, "share_ore": 12000000}]}]})))]
pub struct AllocationReport {
    pub year: i32,
    pub include_proposed: bool,
    /// By unit name.
    pub units: Vec<UnitReport>,
    /// What all the units shown pay together.
    pub total_ore: i64,
}

impl ReportLine {
    /// The allocation's line in a unit's year: what the unit pays of it.
    pub fn new(allocation: &Allocation, share_ore: i64) -> ReportLine {
        ReportLine {
            allocation_id: allocation.id,
            title: allocation.title.clone(),
            kind: allocation.kind,
            status: allocation.status,
            method: allocation.method,
            price_year: allocation.price_year,
            item_id: allocation.item_id,
            share_ore,
        }
    }
}
