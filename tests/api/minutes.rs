//! The agenda and minutes as municipalities publish them: an extraordinary meeting marked as such,
//! with its start and end; an item added after the agenda was published marked as on the
//! supplementary agenda in the next version; a correction with its reason.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, act, id};

db_tests!(
    an_extraordinary_meeting_and_its_supplementary_agenda_are_marked,
    running_numbers_through_the_year_are_fixed_when_published_and_never_collide,
    an_item_shows_the_decisions_earlier_bodies_made_on_its_case_as_far_as_they_were_published,
    the_agenda_stands_in_sections_with_the_closed_items_last,
);

fn the_agenda_stands_in_sections_with_the_closed_items_last(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "public");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2026-02-02T16:00:00+01:00"));
    let add = |body: Value| id(&fixtures::item(app, &committee, meeting, body));
    let items = format!("/v1/meetings/{meeting}/items");
    assert_eq!(app.post(&items, secretary, json!({"title": "X", "section": "misc"})).error_fields(422), ["section"]);
    // Entered in the order agendas keep: the sections in turn, the closed items last.
    let budget = add(json!({"title": "Budget 2027", "case_type": "decision"}));
    let building = add(json!({"title": "Anlægsbevilling", "case_type": "decision"}));
    let status = add(json!({"title": "Status på anlæg", "case_type": "information"}));
    let news = add(json!({"title": "Nyt fra direktionen", "section": "announcements"}));
    let aob = add(json!({"title": "Eventuelt", "section": "any_other_business"}));
    let closed = add(json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1"}));
    let shown = app.get(&format!("/v1/items/{status}"), secretary).json();
    assert_eq!(shown["section"], "for_information", "by its case type");

    act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);
    let public = format!("/v1/public/meetings/{meeting}/published/agenda/1");
    let version = app.call(crate::common::Request::new("GET", &public)).expect(200).json();
    assert_eq!(version["items"][3]["section"], "announcements");
    let markdown = app.call(crate::common::Request::new("GET", &format!("{public}/markdown"))).expect(200).body;
    for expected in [
        "**Til behandling – for åbne døre**\n\n## Punkt 1: Budget 2027",
        "## Punkt 2: Anlægsbevilling",
        "**Til efterretning og orientering – for åbne døre**\n\n## Punkt 3: Status på anlæg",
        "**Meddelelser**\n\n## Punkt 4: Nyt fra direktionen",
        "**Eventuelt**\n\n## Punkt 5: Eventuelt",
        "**For lukkede døre**\n\n## Punkt 6: Lukket: Personalesag",
    ] {
        assert!(markdown.contains(expected), "missing {expected:?} in:\n{markdown}");
    }
    assert_eq!(markdown.matches("**Til behandling").count(), 1, "{markdown}");
    let member = app.get(&format!("/v1/meetings/{meeting}/published/agenda/1/markdown"), &committee.member).expect(200);
    assert!(member.body.contains("**Til behandling – for lukkede døre**\n\n## Punkt 6: Lukket: Personalesag"));
    let html = app.call(crate::common::Request::new("GET", &format!("{public}/html"))).expect(200).body;
    assert!(html.contains("<p class=\"agenda-section\"><strong>Meddelelser</strong></p>"), "{html}");

    // An agenda in an order of its own is shown as ordered, without section headings.
    let path = format!("/v1/meetings/{meeting}/item-order");
    let etag = app.get(&format!("/v1/meetings/{meeting}"), secretary).etag();
    let reordered = json!({"item_ids": [closed, budget, building, status, news, aob]});
    app.put(&path, secretary, &etag, reordered).expect(200);
    act(app, secretary, meeting, "publish-agenda", json!({"reason": "Ny rækkefølge"})).expect(201);
    let second = format!("/v1/public/meetings/{meeting}/published/agenda/2/markdown");
    let markdown = app.call(crate::common::Request::new("GET", &second)).expect(200).body;
    assert!(!markdown.contains("**Til behandling") && !markdown.contains("**For lukkede døre**"), "{markdown}");
}

fn an_extraordinary_meeting_and_its_supplementary_agenda_are_marked(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "public");
    let secretary = &committee.secretary;
    let body = json!({
        "committee_id": committee.id, "title": "Ekstraordinært møde", "extraordinary": true,
        "starts_at": "2022-08-08T16:00:00+02:00", "ends_at": "2022-08-08T17:30:00+02:00",
    });
    let meeting = app.post("/v1/meetings", secretary, body).expect(201).json();
    assert_eq!(meeting["extraordinary"], true);
    let meeting = id(&meeting);
    let path = format!("/v1/meetings/{meeting}");
    let etag = app.get(&path, secretary).etag();
    assert_eq!(app.patch(&path, secretary, &etag, json!({"extraordinary": null})).error_fields(422), ["extraordinary"]);
    assert_eq!(app.get(&path, secretary).etag(), etag);
    let first = id(&fixtures::item(app, &committee, meeting, json!({"title": "Salg af grund"})));
    act(app, secretary, meeting, "publish-agenda", json!({})).expect(201);

    // An item added after the agenda went out is on the supplementary agenda of the next version.
    let added = id(&fixtures::item(app, &committee, meeting, json!({"title": "Anlægsbevilling til skolen"})));
    let reason = "Tillægsdagsorden: punkt 2 tilføjet.";
    act(app, secretary, meeting, "publish-agenda", json!({"reason": reason})).expect(201);
    let v2 = app.get(&format!("{path}/published/agenda/2"), &committee.member).expect(200).json();
    assert_eq!(v2["meeting"]["extraordinary"], true);
    assert_eq!((v2["items"][0]["id"].clone(), v2["items"][0].get("supplementary")), (json!(first), None));
    assert_eq!((v2["items"][1]["id"].clone(), v2["items"][1]["supplementary"].clone()), (json!(added), json!(true)));
    let v1 = app.get(&format!("{path}/published/agenda/1"), &committee.member).expect(200).json();
    assert_eq!(v1["items"].as_array().unwrap().len(), 1);

    let markdown = app.get(&format!("{path}/published/agenda/2/markdown"), &committee.member).expect(200).body;
    for expected in [
        "**Ekstraordinært møde**",
        "**Mødedato** Mandag d. 8. august 2022 kl. 16:00–17:30",
        "## Punkt 2: Anlægsbevilling til skolen\n\n*Punkt på tillægsdagsorden*",
        "Version 2, rettet den ",
        reason,
    ] {
        assert!(markdown.contains(expected), "the agenda lacks {expected:?}:\n{markdown}");
    }
    assert_eq!(markdown.matches("tillægsdagsorden*").count(), 1, "{markdown}");
    let public = format!("/v1/public/meetings/{meeting}/published/agenda/2/html");
    let html = app.call(crate::common::Request::new("GET", &public)).expect(200).body;
    assert!(
        html.contains("<strong>Ekstraordinært møde</strong>") && html.contains("Punkt på tillægsdagsorden"),
        "{html}"
    );
}

/// A meeting of the committee on `day` with `count` items titled "Sag n", its agenda published;
/// the items' ids in agenda order.
fn published_meeting(
    app: &TestApp,
    committee: &fixtures::CommitteeFixture,
    day: &str,
    count: usize,
) -> (i64, Vec<i64>) {
    let meeting = id(&fixtures::meeting(app, committee, &format!("{day}T16:00:00+01:00")));
    let items = (1..=count)
        .map(|n| id(&fixtures::item(app, committee, meeting, json!({"title": format!("Sag {n}")}))))
        .collect();
    act(app, &committee.secretary, meeting, "publish-agenda", json!({})).expect(201);
    (meeting, items)
}

/// The numbers of a published version's items, in agenda order.
fn numbers(document: &Value) -> Vec<i64> {
    document["items"].as_array().unwrap().iter().map(|i| i["number"].as_i64().unwrap()).collect()
}

fn running_numbers_through_the_year_are_fixed_when_published_and_never_collide(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "public");
    let secretary = &committee.secretary;
    let path = format!("/v1/committees/{}", committee.id);
    let etag = app.get(&path, &app.admin()).etag();
    assert_eq!(app.patch(&path, &app.admin(), &etag, json!({"numbering": "weekly"})).status, 422);
    let changed = app.patch(&path, &app.admin(), &etag, json!({"numbering": "year"})).expect(200).json();
    assert_eq!(changed["numbering"], "year");

    // January's meeting takes 1-146; August's 147-164.
    let (_, january) = published_meeting(app, &committee, "2022-01-10", 146);
    assert_eq!(app.get(&format!("/v1/items/{}", january[145]), secretary).json()["number"], 146);
    let (august, items) = published_meeting(app, &committee, "2022-08-08", 18);
    let agenda = format!("/v1/meetings/{august}/published/agenda");
    assert_eq!(numbers(&app.get(&format!("{agenda}/1"), &committee.member).json()), (147..=164).collect::<Vec<_>>());
    // A June meeting published after August's does not collide with it: it takes the next numbers.
    let (june, _) = published_meeting(app, &committee, "2022-06-13", 2);
    let june_agenda = app.get(&format!("/v1/meetings/{june}/published/agenda/1"), &committee.member).json();
    assert_eq!(numbers(&june_agenda), [165, 166]);
    // The next year starts again at 1.
    let (next_year, _) = published_meeting(app, &committee, "2023-01-09", 1);
    let first = app.get(&format!("/v1/meetings/{next_year}/published/agenda/1"), &committee.member).json();
    assert_eq!(numbers(&first), [1]);

    // Reordered and corrected, August's items keep their numbers; an added item takes the next one.
    let meeting_path = format!("/v1/meetings/{august}");
    let etag = app.get(&meeting_path, secretary).etag();
    let mut reversed = items.clone();
    reversed.reverse();
    app.put(&format!("{meeting_path}/item-order"), secretary, &etag, json!({"item_ids": reversed})).expect(200);
    let added = id(&fixtures::item(app, &committee, august, json!({"title": "Tillægssag"})));
    assert_eq!(app.get(&format!("/v1/items/{added}"), secretary).json()["number"], 19);
    act(app, secretary, august, "publish-agenda", json!({"reason": "Rækkefølgen ændret, sag tilføjet"})).expect(201);
    let mut expected: Vec<i64> = (147..=164).rev().collect();
    expected.push(167);
    assert_eq!(numbers(&app.get(&format!("{agenda}/2"), &committee.member).json()), expected);
    assert_eq!(app.get(&format!("/v1/items/{added}"), secretary).json()["number"], 167);
    let markdown = app.get(&format!("{agenda}/2/markdown"), &committee.member).expect(200).body;
    assert!(markdown.contains("## Punkt 164: Sag 18") && markdown.contains("## Punkt 167: Tillægssag"), "{markdown}");
}

/// A meeting of the committee on `day` whose one item on `case_number` (closed or not) is decided
/// with `text` and whose minutes are published.
fn decided_case(
    app: &TestApp,
    committee: &fixtures::CommitteeFixture,
    day: &str,
    case_number: &str,
    closed: bool,
    text: &str,
) {
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, committee, &format!("{day}T16:00:00+02:00")));
    let body = json!({"title": "Salg af grunden Kirkevej 12", "case_number": case_number, "closed": closed,
                      "legal_basis": fixtures::basis(closed)});
    let item = id(&fixtures::item(app, committee, meeting, body));
    fixtures::publish_and_hold(app, secretary, meeting);
    fixtures::decide(app, secretary, item, json!({"outcome": "approved", "text": text}));
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
}

fn an_item_shows_the_decisions_earlier_bodies_made_on_its_case_as_far_as_they_were_published(app: &TestApp) {
    let finance = fixtures::committee(app, "Økonomiudvalget", "public");
    let staff = fixtures::committee(app, "Personaleudvalget", "none");
    let council = fixtures::committee(app, "Byrådet", "public");
    let case = "22-005000";
    decided_case(app, &finance, "2022-08-08", case, false, "Godkendt.");
    // A closed decision, and one of a committee that publishes to no one, stay where they were made.
    decided_case(app, &finance, "2022-08-09", case, true, "FORTROLIG beslutning");
    decided_case(app, &staff, "2022-08-10", case, false, "INTERN beslutning");
    let meeting = id(&fixtures::meeting(app, &council, "2022-08-25T17:00:00+02:00"));
    let body = json!({"title": "Salg af grunden Kirkevej 12", "case_number": case});
    fixtures::item(app, &council, meeting, body);
    act(app, &council.secretary, meeting, "publish-agenda", json!({})).expect(201);

    let agenda = format!("/v1/public/meetings/{meeting}/published/agenda/1");
    let document = app.call(crate::common::Request::new("GET", &agenda)).expect(200).json();
    let earlier = &document["items"][0]["earlier_decisions"];
    assert_eq!(earlier.as_array().unwrap().len(), 1, "{earlier}");
    assert_eq!(
        (earlier[0]["committee"].clone(), earlier[0]["text"].clone()),
        (json!("Økonomiudvalget"), json!("Godkendt."))
    );
    let markdown = app.call(crate::common::Request::new("GET", &format!("{agenda}/markdown"))).expect(200).body;
    assert!(
        markdown.contains("### Sagens forløb\n\n**Beslutning i Økonomiudvalget den 08-08-2022:** Godkendt."),
        "{markdown}"
    );
    for hidden in ["FORTROLIG", "INTERN"] {
        assert!(!markdown.contains(hidden) && !document.to_string().contains(hidden), "{hidden} in {markdown}");
    }
}
