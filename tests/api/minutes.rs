//! The agenda and minutes as municipalities publish them: an extraordinary meeting marked as such,
//! with its start and end; an item added after the agenda was published marked as on the
//! supplementary agenda in the next version; a correction with its reason.

use serde_json::json;

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, act, id};

db_tests!(an_extraordinary_meeting_and_its_supplementary_agenda_are_marked);

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
