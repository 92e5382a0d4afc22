//! What the API shows of each resource: the response shapes, made from what persistence returns and
//! what the domain rules decide the caller may see. Handlers, the services below them and the webhook
//! worker all send these, so they live apart from any one of them (as crates.io keeps its `views`).

pub mod attachment;
pub mod change;
pub mod committee;
pub mod exclusion;
pub mod item;
pub mod item_amount;
pub mod item_attendance;
pub mod meeting;
pub mod participant;
pub mod publication;
pub mod sign_off;
pub mod standing_item;

/// The cursor of a list ordered by id, as lists and the change feed give it (`id.4711`).
pub fn id_cursor(id: i64) -> String {
    format!("id.{id}")
}
