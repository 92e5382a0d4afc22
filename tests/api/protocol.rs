//! The protocol through the API: votes by party group and by roll call, dissents from the minority
//! and the refusals the law asks for, and the minutes as they read afterwards.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, act, decide, id};

db_tests!(
    a_council_votes_by_groups_and_by_roll_call_and_the_minority_dissents,
    votes_are_checked_before_anything_is_stored,
    a_substitute_stands_in_and_a_member_leaves_a_range_of_items,
);

fn participant(app: &TestApp, secretary: &str, meeting: i64, body: Value) -> i64 {
    id(&app.post(&format!("/v1/meetings/{meeting}/participants"), secretary, body).expect(201).json())
}

fn a_council_votes_by_groups_and_by_roll_call_and_the_minority_dissents(app: &TestApp) {
    let committee = fixtures::committee(app, "Byrådet", "public");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2022-05-26T18:00:00+02:00"));
    let people = |name: &str, party: &str| participant(app, secretary, meeting, json!({"name": name, "party": party}));
    let (anne, bo, carla, dorte) = (
        people("Anne Hansen", "A"),
        people("Bo Nielsen", "V"),
        people("Carla Ørsted", "Ø"),
        people("Dorte Friis", "F"),
    );
    let erik =
        participant(app, secretary, meeting, json!({"name": "Erik Holm", "party": "Ø", "attendance": "apologies"}));
    let frida = people("Frida Lund", "Ø");
    let item = id(&fixtures::item(app, &committee, meeting, json!({"title": "Salg af grunden Kirkevej 12"})));
    let votes = format!("/v1/items/{item}/votes");
    let dissents = format!("/v1/items/{item}/dissents");
    assert_eq!(app.get(&format!("/v1/meetings/{meeting}/participants/{anne}"), secretary).json()["party"], "A");

    let proposal = json!({
        "subject": "proposal", "motion": "Enhedslistens forslag om at udskyde salget", "method": "by_group",
        "positions": [
            {"stance": "for", "party": "Ø", "count": 2},
            {"stance": "against", "party": "A", "count": 5},
            {"stance": "against", "party": "V", "count": 3},
            {"stance": "against", "party": "O", "count": 1},
            {"stance": "abstain", "party": "F", "count": 1},
        ],
    });
    // Votes are taken at the meeting: not before it is held.
    app.post(&votes, secretary, proposal.clone()).problem(409, "meeting-state");
    fixtures::publish_and_hold(app, secretary, meeting);
    // Frida left the room for this item.
    let absent = json!({"kind": "absent", "participant_id": frida});
    app.post(&format!("/v1/items/{item}/attendance"), secretary, absent).expect(201);

    let first = app.post(&votes, secretary, proposal).expect(201);
    let first_id = id(&first.json());
    assert_eq!(first.header("location"), Some(format!("{votes}/{first_id}").as_str()));
    let first = first.json();
    assert_eq!((first["number"].clone(), first["result"].clone()), (json!(1), json!("rejected")));
    assert_eq!(
        (first["votes_for"].clone(), first["votes_against"].clone(), first["abstentions"].clone()),
        (json!(2), json!(9), json!(1))
    );

    let roll_call = json!({
        "subject": "recommendation", "motion": "Indstillingen om at sælge grunden", "method": "roll_call",
        "positions": [
            {"stance": "for", "participant_id": anne},
            {"stance": "for", "participant_id": bo},
            {"stance": "against", "participant_id": carla},
            {"stance": "abstain", "participant_id": dorte},
        ],
    });
    let second = app.post(&votes, secretary, roll_call).expect(201).json();
    assert_eq!((second["number"].clone(), second["result"].clone()), (json!(2), json!("adopted")));
    let second = id(&second);
    // A roll call names its voters: they stay in the protocol.
    let dorte_path = format!("/v1/meetings/{meeting}/participants/{dorte}");
    let etag = app.get(&dorte_path, secretary).etag();
    app.delete(&dorte_path, secretary, &etag).problem(409, "conflict");

    // A member of the majority, one who sent apologies and one who did not take part in the item
    // may not have a dissent entered; nothing is stored.
    let dissent = |vote: i64, who: i64| json!({"vote_id": vote, "participant_id": who, "text": "Vi ønsker grunden brugt til almene boliger."});
    let refused = app.post(&dissents, secretary, dissent(second, anne)).problem(422, "validation-failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("minority"), "{refused}");
    let refused = app.post(&dissents, secretary, dissent(first_id, erik)).problem(422, "validation-failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("take part"), "{refused}");
    app.post(&dissents, secretary, dissent(first_id, frida)).problem(422, "validation-failed");
    assert_eq!(app.get(&dissents, secretary).expect(200).json().as_array().unwrap().len(), 0);

    // Carla voted against the adopted recommendation: her dissent is entered.
    let entered = app.post(&dissents, secretary, dissent(second, carla)).expect(201).json();
    assert_eq!(entered["participant_id"], carla);
    app.post(&dissents, secretary, dissent(second, carla)).problem(409, "conflict");

    decide(app, secretary, item, json!({"outcome": "approved", "text": "Indstillingen blev godkendt."}));
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    // Once the minutes are published, a dissent comes too late.
    app.post(&dissents, secretary, dissent(second, carla)).problem(409, "meeting-state");

    let minutes = format!("/v1/meetings/{meeting}/published/minutes/1");
    let document = app.get(&minutes, &committee.member).expect(200).json();
    let published = &document["items"][0];
    assert_eq!(published["votes"].as_array().unwrap().len(), 2);
    assert_eq!(published["dissents"][0]["name"], "Carla Ørsted");
    let markdown = app.get(&format!("{minutes}/markdown"), &committee.member).expect(200).body;
    for expected in [
        "Forslaget: Enhedslistens forslag om at udskyde salget",
        "For stemte: Ø (2). Imod stemte: A, V og O (9). Undlod at stemme: F (1).",
        "Forslaget blev forkastet.",
        "Indstillingen: Indstillingen om at sælge grunden",
        "For stemte: Anne Hansen (A) og Bo Nielsen (V) (2). Imod stemte: Carla Ørsted (Ø) (1). Undlod at stemme: Dorte Friis (F) (1).",
        "Indstillingen blev vedtaget.",
        "Mindretalsudtalelse fra Carla Ørsted (Ø): Vi ønsker grunden brugt til almene boliger.",
    ] {
        assert!(markdown.contains(expected), "the minutes lack {expected:?}:\n{markdown}");
    }
    let html = app.get(&format!("{minutes}/html"), &committee.member).expect(200).body;
    assert!(html.contains("For stemte: Ø (2). Imod stemte: A, V og O (9). Undlod at stemme: F (1)."), "{html}");
    // The public reads the open item's votes as the minutes publish them.
    let public = format!("/v1/public/meetings/{meeting}/published/minutes/1/markdown");
    let public = app.call(crate::common::Request::new("GET", &public)).expect(200).body;
    assert!(public.contains("Indstillingen blev vedtaget."), "{public}");
}

fn votes_are_checked_before_anything_is_stored(app: &TestApp) {
    let committee = fixtures::committee(app, "Økonomiudvalget", "none");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2022-05-16T16:00:00+02:00"));
    let member = participant(app, secretary, meeting, json!({"name": "Anne Hansen", "party": "A"}));
    let item = id(&fixtures::item(app, &committee, meeting, json!({"title": "Budget 2023"})));
    fixtures::publish_and_hold(app, secretary, meeting);
    let votes = format!("/v1/items/{item}/votes");
    let vote = |method: &str, positions: Value| json!({"subject": "amendment", "motion": "Ændringsforslag", "method": method, "positions": positions});
    let cases = [
        (vote("roll_call", json!([{"stance": "for", "participant_id": member + 1000}])), "positions[0].participant_id"),
        (
            vote(
                "roll_call",
                json!([{"stance": "for", "participant_id": member}, {"stance": "against", "participant_id": member}]),
            ),
            "positions[1].participant_id",
        ),
        (vote("by_group", json!([{"stance": "for", "party": "A"}])), "positions[0].count"),
        (vote("by_group", json!([{"stance": "for", "party": "partiet", "count": 2}])), "positions[0].party"),
        (vote("by_group", json!([])), "positions"),
    ];
    for (body, field) in cases {
        let fields = app.post(&votes, secretary, body).error_fields(422);
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    let fields = app
        .post(&format!("/v1/meetings/{meeting}/participants"), secretary, json!({"name": "X", "party": "a"}))
        .error_fields(422);
    assert_eq!(fields, ["party"]);
    assert_eq!(app.get(&votes, secretary).expect(200).json(), json!([]));
}

fn a_substitute_stands_in_and_a_member_leaves_a_range_of_items(app: &TestApp) {
    let committee = fixtures::committee(app, "Teknik- og Miljøudvalget", "none");
    let secretary = &committee.secretary;
    let meeting = id(&fixtures::meeting(app, &committee, "2022-06-13T16:00:00+02:00"));
    let torben = participant(app, secretary, meeting, json!({"name": "Torben Haack", "party": "F"}));
    let kirsten =
        participant(app, secretary, meeting, json!({"name": "Kirsten Ravn", "party": "V", "attendance": "apologies"}));
    let participants = format!("/v1/meetings/{meeting}/participants");
    // A substitute stands in for another participant of the same meeting, not for themselves.
    let fields =
        app.post(&participants, secretary, json!({"name": "X", "substitute_for": kirsten + 1000})).error_fields(422);
    assert_eq!(fields, ["substitute_for"]);
    let lars =
        participant(app, secretary, meeting, json!({"name": "Lars Berg", "party": "V", "substitute_for": kirsten}));
    let path = format!("{participants}/{lars}");
    let etag = app.get(&path, secretary).etag();
    assert_eq!(
        app.patch(&path, secretary, &etag, json!({"substitute_for": lars})).error_fields(422),
        ["substitute_for"]
    );
    let items: Vec<i64> = (1..=16)
        .map(|n| id(&fixtures::item(app, &committee, meeting, json!({"title": format!("Punkt {n}")}))))
        .collect();

    // Torben did not take part in items 12 to 15: recorded once, for the range, by a secretary only.
    let absences = format!("{participants}/{torben}/item-absences");
    let range = json!({"from": 12, "to": 15});
    app.post(&absences, &committee.member, range.clone()).problem(403, "forbidden");
    assert_eq!(app.post(&absences, secretary, json!({"from": 17, "to": 20})).error_fields(422), ["to"]);
    let recorded = app.post(&absences, secretary, range.clone()).expect(200).json();
    assert_eq!(recorded.as_array().unwrap().len(), 4);
    assert_eq!(recorded[0]["item_id"], items[11]);
    // Again, it changes nothing.
    assert_eq!(app.post(&absences, secretary, range).expect(200).json(), recorded);
    let on_item = app.get(&format!("/v1/items/{}/attendance", items[13]), secretary).expect(200).json();
    assert_eq!(on_item[0]["participant_id"], torben);
    assert_eq!(app.get(&format!("/v1/items/{}/attendance", items[15]), secretary).json(), json!([]));

    fixtures::publish_and_hold(app, secretary, meeting);
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    let minutes = format!("/v1/meetings/{meeting}/published/minutes/1/markdown");
    let markdown = app.get(&minutes, &committee.member).expect(200).body;
    let expected = "Torben Haack (F) (deltog ikke under punkt 12-15), Kirsten Ravn (V) (Afbud), \
                    Lars Berg (V) (stedfortræder for Kirsten Ravn)";
    assert!(markdown.contains(expected), "{markdown}");
}
