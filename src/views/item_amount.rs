//! An item's amount (its financial consequences as data) as the API shows it.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::item_amounts::ItemAmount;
use crate::domain::allocation::{AmountKind, Recurrence};
use crate::time;

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "item_id": 5, "label": "MARS – mellemkommunale betalinger", "kind": "expense", "recurrence": "annual", "amount_ore": 19374600, "price_year": 2021, "version": 1, "created_at": "2021-04-20T10:00:00+02:00", "updated_at": "2021-04-20T10:00:00+02:00"})))]
pub struct ItemAmountView {
    pub id: i64,
    pub item_id: i64,
    /// E.g. "Tilbagebetalingskrav", "Implementeringsudgift".
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    /// In øre.
    pub amount_ore: i64,
    /// The price level the amount is in ("2021-priser").
    pub price_year: Option<i32>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<ItemAmount> for ItemAmountView {
    fn from(a: ItemAmount) -> Self {
        ItemAmountView {
            id: a.id,
            item_id: a.item_id,
            label: a.label,
            kind: a.kind,
            recurrence: a.recurrence,
            amount_ore: a.amount_ore,
            price_year: a.price_year,
            version: a.version,
            created_at: time::to_api(a.created_at),
            updated_at: time::to_api(a.updated_at),
        }
    }
}
