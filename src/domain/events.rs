//! What the change feed and webhooks call the changes they report.

/// Every event a change can be (the `changes` migration's triggers name them).
pub const EVENTS: [&str; 19] = [
    "committee.created",
    "committee.updated",
    "committee.deleted",
    "meeting.created",
    "meeting.updated",
    "meeting.held",
    "meeting.cancelled",
    "meeting.deleted",
    "item.created",
    "item.updated",
    "item.deleted",
    "participant.created",
    "participant.updated",
    "participant.deleted",
    "attachment.created",
    "attachment.updated",
    "attachment.deleted",
    "agenda.published",
    "minutes.published",
];

/// Reads a comma-separated list of events; an unknown name is refused with the name.
pub fn parse_events(list: &str) -> Result<Vec<String>, String> {
    let mut events = Vec::new();
    for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        if !EVENTS.contains(&name) {
            return Err(format!("`{name}` is not an event; the events are {}", EVENTS.join(", ")));
        }
        if !events.iter().any(|e| e == name) {
            events.push(name.to_owned());
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_lists_are_read_strictly() {
        assert_eq!(parse_events("agenda.published, minutes.published,agenda.published").unwrap().len(), 2);
        assert_eq!(parse_events("").unwrap(), Vec::<String>::new());
        let refused = parse_events("agenda.published,agenda.publish").unwrap_err();
        assert!(refused.starts_with("`agenda.publish` is not an event"), "{refused}");
    }
}
