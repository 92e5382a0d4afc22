//! What the change feed and webhooks call the changes they report.

use serde::{Deserialize, Deserializer, Serialize};
use strum::{EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};
use utoipa::ToSchema;

/// Every event a change can be (the `changes` migration's triggers name them).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, EnumIter, EnumString, IntoStaticStr,
)]
pub enum Event {
    #[serde(rename = "committee.created")]
    #[strum(serialize = "committee.created")]
    CommitteeCreated,
    #[serde(rename = "committee.updated")]
    #[strum(serialize = "committee.updated")]
    CommitteeUpdated,
    #[serde(rename = "committee.deleted")]
    #[strum(serialize = "committee.deleted")]
    CommitteeDeleted,
    #[serde(rename = "meeting.created")]
    #[strum(serialize = "meeting.created")]
    MeetingCreated,
    #[serde(rename = "meeting.updated")]
    #[strum(serialize = "meeting.updated")]
    MeetingUpdated,
    #[serde(rename = "meeting.held")]
    #[strum(serialize = "meeting.held")]
    MeetingHeld,
    #[serde(rename = "meeting.cancelled")]
    #[strum(serialize = "meeting.cancelled")]
    MeetingCancelled,
    #[serde(rename = "meeting.deleted")]
    #[strum(serialize = "meeting.deleted")]
    MeetingDeleted,
    #[serde(rename = "item.created")]
    #[strum(serialize = "item.created")]
    ItemCreated,
    #[serde(rename = "item.updated")]
    #[strum(serialize = "item.updated")]
    ItemUpdated,
    #[serde(rename = "item.deleted")]
    #[strum(serialize = "item.deleted")]
    ItemDeleted,
    #[serde(rename = "participant.created")]
    #[strum(serialize = "participant.created")]
    ParticipantCreated,
    #[serde(rename = "participant.updated")]
    #[strum(serialize = "participant.updated")]
    ParticipantUpdated,
    #[serde(rename = "participant.deleted")]
    #[strum(serialize = "participant.deleted")]
    ParticipantDeleted,
    #[serde(rename = "attachment.created")]
    #[strum(serialize = "attachment.created")]
    AttachmentCreated,
    #[serde(rename = "attachment.updated")]
    #[strum(serialize = "attachment.updated")]
    AttachmentUpdated,
    #[serde(rename = "attachment.deleted")]
    #[strum(serialize = "attachment.deleted")]
    AttachmentDeleted,
    #[serde(rename = "agenda.published")]
    #[strum(serialize = "agenda.published")]
    AgendaPublished,
    #[serde(rename = "minutes.published")]
    #[strum(serialize = "minutes.published")]
    MinutesPublished,
}

/// The kind of resource an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Committee,
    Meeting,
    Item,
    Participant,
    Attachment,
    Publication,
}

impl Resource {
    /// As the feed's `resource` names it.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Committee => "committee",
            Resource::Meeting => "meeting",
            Resource::Item => "item",
            Resource::Participant => "participant",
            Resource::Attachment => "attachment",
            Resource::Publication => "publication",
        }
    }

    /// The schema of the resource as the feed shows it.
    pub fn schema(self) -> &'static str {
        match self {
            Resource::Committee => "CommitteeView",
            Resource::Meeting => "MeetingSummary",
            Resource::Item => "AgendaEntry",
            Resource::Participant => "ParticipantView",
            Resource::Attachment => "AttachmentView",
            Resource::Publication => "PublicationSummary",
        }
    }
}

impl Event {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn resource(self) -> Resource {
        use Event::*;
        match self {
            CommitteeCreated | CommitteeUpdated | CommitteeDeleted => Resource::Committee,
            MeetingCreated | MeetingUpdated | MeetingHeld | MeetingCancelled | MeetingDeleted => Resource::Meeting,
            ItemCreated | ItemUpdated | ItemDeleted => Resource::Item,
            ParticipantCreated | ParticipantUpdated | ParticipantDeleted => Resource::Participant,
            AttachmentCreated | AttachmentUpdated | AttachmentDeleted => Resource::Attachment,
            AgendaPublished | MinutesPublished => Resource::Publication,
        }
    }

    /// What happened, in words.
    pub fn description(self) -> &'static str {
        use Event::*;
        match self {
            CommitteeCreated => "a committee was created",
            CommitteeUpdated => "a committee was changed",
            CommitteeDeleted => "a committee was deleted",
            MeetingCreated => "a meeting was created",
            MeetingUpdated => "a meeting's details were changed",
            MeetingHeld => "a meeting was recorded as held",
            MeetingCancelled => "a meeting was cancelled",
            MeetingDeleted => "a draft meeting was deleted, with its agenda and participants",
            ItemCreated => "an item was added to an agenda",
            ItemUpdated => "an item was changed (or, to a non-member, a closed item's number or title)",
            ItemDeleted => {
                "an item was removed from an agenda (or a closed item's attachment left a non-member's view)"
            }
            ParticipantCreated => "a participant was added to a meeting",
            ParticipantUpdated => "a participant was changed",
            ParticipantDeleted => "a participant was removed from a meeting",
            AttachmentCreated => "an attachment was added to an item",
            AttachmentUpdated => "an attachment was changed",
            AttachmentDeleted => "an attachment was removed",
            AgendaPublished => "a version of a meeting's agenda was published",
            MinutesPublished => "a version of a meeting's minutes was published",
        }
    }

    /// The name in PascalCase, for identifiers (`agenda.published` is `AgendaPublished`).
    pub fn pascal_case(self) -> String {
        self.name()
            .split(['.', '_'])
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
            })
            .collect()
    }
}

/// Reads a comma-separated list of events; an unknown name is refused with the name.
pub fn parse_events(list: &str) -> Result<Vec<Event>, String> {
    let mut events = Vec::new();
    for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        let event: Event = name.parse().map_err(|_| {
            let all: Vec<&str> = Event::iter().map(Event::name).collect();
            format!("`{name}` is not an event; the events are {}", all.join(", "))
        })?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    Ok(events)
}

/// How many names a list of events may hold: each event once.
pub const MAX_NAMED: usize = 19;

/// For a query parameter holding a comma-separated list of events (`events=a,b`), of at most
/// [`MAX_NAMED`] names.
pub fn comma_separated<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<Event>>, D::Error> {
    let list = Option::<String>::deserialize(deserializer)?;
    if list.as_deref().is_some_and(|list| list.split(',').count() > MAX_NAMED) {
        return Err(serde::de::Error::custom(format!("names at most {MAX_NAMED} events")));
    }
    list.map(|list| parse_events(&list).map_err(serde::de::Error::custom)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_lists_are_read_strictly() {
        assert_eq!(
            parse_events("agenda.published, minutes.published,agenda.published").unwrap(),
            vec![Event::AgendaPublished, Event::MinutesPublished]
        );
        assert_eq!(parse_events("").unwrap(), Vec::<Event>::new());
        let refused = parse_events("agenda.published,agenda.publish").unwrap_err();
        assert!(refused.starts_with("`agenda.publish` is not an event"), "{refused}");
    }

    #[test]
    fn names_are_the_feeds_and_serde_agrees() {
        for event in Event::iter() {
            let json = serde_json::to_value(event).unwrap();
            assert_eq!(json, event.name());
            assert_eq!(event.name().parse::<Event>().unwrap(), event);
            assert!(event.name().starts_with(event.resource().name()) || event.resource() == Resource::Publication);
        }
        assert_eq!(Event::AgendaPublished.pascal_case(), "AgendaPublished");
        assert_eq!(Event::iter().count(), MAX_NAMED);
    }
}
