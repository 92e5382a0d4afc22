//! The protocol through the API: votes by party group and by roll call, dissents from the minority
//! and the refusals the law asks for, and the minutes as they read afterwards.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, act, decide, decide_reply, id};

db_tests!(
    a_council_votes_by_groups_and_by_roll_call_and_the_minority_dissents,
    votes_are_checked_before_anything_is_stored,
    a_substitute_stands_in_and_a_member_leaves_a_range_of_items,
    a_council_meeting_from_its_roster_through_quorum_standsningsret_and_inhabilitet,
    the_roster_is_checked_and_kept_by_secretaries,
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

/// Adds a member to the committee's roster.
fn seat(app: &TestApp, secretary: &str, committee: i64, body: Value) -> i64 {
    id(&app.post(&format!("/v1/committees/{committee}/roster"), secretary, body).expect(201).json())
}

/// The whole council meeting of the protocol issue: the meeting starts from the roster; a party's
/// proposal voted down by groups, the recommendation adopted by roll call, a dissent from the
/// minority and the refused ones; a member absent from items 12-15 and a substitute who arrived for
/// them; an item without a quorum decided on the secretary's override; a § 23 demand; a § 14 ruling
/// with the member leaving the room and a substitute called in. The minutes read as real ones do.
fn a_council_meeting_from_its_roster_through_quorum_standsningsret_and_inhabilitet(app: &TestApp) {
    let committee = fixtures::committee(app, "Kommunalbestyrelsen", "public");
    let secretary = &committee.secretary;
    let members = [
        ("Anne Hansen", "A"),
        ("Mette Berg", "A"),
        ("Jens Lund", "A"),
        ("Bo Nielsen", "V"),
        ("Kirsten Ravn", "V"),
        ("Carla Ørsted", "Ø"),
        ("Torben Haack", "F"),
    ];
    for (name, party) in members {
        seat(
            app,
            secretary,
            committee.id,
            json!({"name": name, "party": party, "from": "2022-01-01", "to": "2025-12-31"}),
        );
    }
    // A member of the last term is not on the roster on the meeting's day.
    seat(
        app,
        secretary,
        committee.id,
        json!({"name": "Gitte Ravn", "party": "O", "from": "2018-01-01", "to": "2021-12-31"}),
    );

    let meeting = id(&fixtures::meeting(app, &committee, "2022-05-26T18:00:00+02:00"));
    let participants = format!("/v1/meetings/{meeting}/participants");
    let seated = app.get(&participants, secretary).expect(200).json();
    let names: Vec<&str> = seated.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, members.map(|(name, _)| name));
    assert!(seated.as_array().unwrap().iter().all(|p| p["roster_member_id"].is_i64() && p["attendance"] == "present"));
    let who = |name: &str| id(seated.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap());
    let (anne, mette, jens, bo, kirsten, carla, torben) = (
        who("Anne Hansen"),
        who("Mette Berg"),
        who("Jens Lund"),
        who("Bo Nielsen"),
        who("Kirsten Ravn"),
        who("Carla Ørsted"),
        who("Torben Haack"),
    );
    let change = |person: i64, body: Value| {
        let path = format!("{participants}/{person}");
        let etag = app.get(&path, secretary).etag();
        app.patch(&path, secretary, &etag, body)
    };
    change(kirsten, json!({"attendance": "apologies"})).expect(200);
    let lars =
        participant(app, secretary, meeting, json!({"name": "Lars Berg", "party": "V", "substitute_for": kirsten}));
    let per = participant(app, secretary, meeting, json!({"name": "Per Holm", "party": "A"}));
    let items: Vec<i64> = (1..=15)
        .map(|n| {
            let body = json!({"title": format!("Punkt {n}"), "case_number": format!("22-0100{n:02}")});
            id(&fixtures::item(app, &committee, meeting, body))
        })
        .collect();
    let item = |number: usize| items[number - 1];

    // Mette came at item 3 and left after item 14; a leaving before arriving is refused.
    assert_eq!(
        change(mette, json!({"arrived_at_item": item(5), "left_after_item": item(4)})).error_fields(422),
        ["left_after_item"]
    );
    change(mette, json!({"arrived_at_item": item(3), "left_after_item": item(14)})).expect(200);
    // Torben did not take part in items 12-15; Sofie, his substitute, arrived for them.
    app.post(&format!("{participants}/{torben}/item-absences"), secretary, json!({"from": 12, "to": 15})).expect(200);
    let sofie = participant(
        app,
        secretary,
        meeting,
        json!({"name": "Sofie Dahl", "party": "F", "substitute_for": torben, "arrived_at_item": item(12)}),
    );
    // Four members left the room for item 5.
    for person in [anne, bo, carla, lars] {
        app.post(&format!("{participants}/{person}/item-absences"), secretary, json!({"from": 5, "to": 5})).expect(200);
    }
    // Jens declared himself disqualified on item 7; the council agreed, he left, Per came in.
    let exclusion = json!({
        "participant_id": jens, "raised_by": "member", "ruling": "Kommunalbestyrelsen fandt Jens Lund inhabil.",
        "substitute_id": per,
    });
    let excluded = app.post(&format!("/v1/items/{}/exclusions", item(7)), secretary, exclusion).expect(201).json();
    assert_eq!((excluded["left_room"].clone(), excluded["subject"].clone()), (json!(true), json!(null)));
    // The protocol keeps the people it names.
    let per_path = format!("{participants}/{per}");
    let etag = app.get(&per_path, secretary).etag();
    app.delete(&per_path, secretary, &etag).problem(409, "conflict");

    // The quorum, item by item: 7 seats.
    let quorum = app.get(&format!("/v1/meetings/{meeting}/quorum"), &committee.member).expect(200).json();
    let present: Vec<i64> = quorum.as_array().unwrap().iter().map(|q| q["present"].as_i64().unwrap()).collect();
    assert_eq!(present, [6, 6, 7, 7, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6]);
    assert_eq!(quorum[4], json!({"number": 5, "members": 7, "present": 3, "quorate": false}));

    fixtures::publish_and_hold(app, secretary, meeting);

    // Item 12: Enhedslisten's proposal falls by groups, the recommendation passes by roll call.
    let votes = format!("/v1/items/{}/votes", item(12));
    let proposal = json!({
        "subject": "proposal", "motion": "Enhedslistens forslag om at udskyde sagen", "method": "by_group",
        "positions": [
            {"stance": "for", "party": "Ø", "count": 1},
            {"stance": "against", "party": "A", "count": 3},
            {"stance": "against", "party": "V", "count": 2},
            {"stance": "abstain", "party": "F", "count": 1},
        ],
    });
    app.post(&votes, secretary, proposal).expect(201);
    let roll_call = json!({
        "subject": "recommendation", "motion": "Indstillingen", "method": "roll_call",
        "positions": [
            {"stance": "for", "participant_id": anne}, {"stance": "for", "participant_id": mette},
            {"stance": "for", "participant_id": jens}, {"stance": "for", "participant_id": bo},
            {"stance": "for", "participant_id": lars}, {"stance": "against", "participant_id": carla},
            {"stance": "abstain", "participant_id": sofie},
        ],
    });
    let adopted = id(&app.post(&votes, secretary, roll_call).expect(201).json());
    let dissents = format!("/v1/items/{}/dissents", item(12));
    let dissent = |person: i64| json!({"vote_id": adopted, "participant_id": person, "text": "Ø ønsker sagen udsat."});
    let refused = app.post(&dissents, secretary, dissent(anne)).problem(422, "validation-failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("minority"), "{refused}");
    let refused = app.post(&dissents, secretary, dissent(torben)).problem(422, "validation-failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("take part"), "{refused}");
    assert_eq!(app.get(&dissents, secretary).json(), json!([]));
    app.post(&dissents, secretary, dissent(carla)).expect(201);

    // Carla demands the case before the council (§ 23); Torben, who was not there for it, cannot.
    let referrals = format!("/v1/items/{}/referrals", item(12));
    let refused = app.post(&referrals, secretary, json!({"participant_id": torben})).problem(422, "validation-failed");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("take part"), "{refused}");
    app.post(&referrals, secretary, json!({"participant_id": carla})).expect(201);
    app.post(&referrals, secretary, json!({"participant_id": carla})).problem(409, "conflict");
    let case = app.get("/v1/cases/22-010012", &committee.member).expect(200).json();
    assert_eq!(case["items"][0]["referred_to_council"], true);
    assert_eq!(app.get("/v1/cases/22-010011", &committee.member).json()["items"][0]["referred_to_council"], false);

    // Item 5 had no quorum: the decision is refused, and nothing changes, until the secretary
    // overrides with a reason; an override where there was a quorum is refused too.
    let before = app.get(&format!("/v1/items/{}", item(5)), secretary).etag();
    let refused =
        decide_reply(app, secretary, item(5), json!({"outcome": "approved"})).problem(422, "validation-failed");
    assert_eq!(refused["errors"][0]["field"], "quorum_override");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("3 of 7"), "{refused}");
    assert_eq!(app.get(&format!("/v1/items/{}", item(5)), secretary).etag(), before);
    let reason = "Sagen kunne ikke udsættes: fristen for høringssvar udløb samme aften.";
    let decided =
        decide(app, secretary, item(5), json!({"outcome": "approved", "text": "Godkendt.", "quorum_override": reason}));
    assert_eq!(decided["decision"]["quorum_override"], reason);
    decide_reply(app, secretary, item(1), json!({"outcome": "approved", "quorum_override": reason}))
        .problem(422, "validation-failed");
    decide(app, secretary, item(12), json!({"outcome": "approved", "text": "Indstillingen blev godkendt."}));

    // The decision extract exists once the minutes are published.
    let extract = format!("/v1/items/{}/decision-extract", item(12));
    app.get(&extract, &committee.member).expect(404);
    act(app, secretary, meeting, "publish-minutes", json!({})).expect(201);
    let json = app.get(&extract, &committee.member).expect(200).json();
    assert_eq!((json["item"]["number"].clone(), json["minutes_version"].clone()), (json!(12), json!(1)));
    assert_eq!(json["meeting"]["committee"]["name"], "Kommunalbestyrelsen");
    assert_eq!(json["item"]["votes"].as_array().unwrap().len(), 2);
    let extract_markdown = app.get(&format!("{extract}/markdown"), &committee.member).expect(200).body;
    for expected in [
        "# Beslutningsudskrift",
        "## Punkt 12: Punkt 12",
        "Sagsnr.: 22-010012",
        "### Beslutning i Kommunalbestyrelsen den 26-05-2022",
        "Indstillingen blev godkendt.",
        "Imod stemte: Carla Ørsted (Ø) (1).",
        "Mindretalsudtalelse fra Carla Ørsted (Ø): Ø ønsker sagen udsat.",
    ] {
        assert!(extract_markdown.contains(expected), "the extract lacks {expected:?}:\n{extract_markdown}");
    }
    assert!(!extract_markdown.contains("Punkt 11"), "{extract_markdown}");
    let extract_html = app.get(&format!("{extract}/html"), &committee.member).expect(200);
    assert!(extract_html.header("content-type").unwrap().starts_with("text/html"));
    assert!(
        extract_html.body.contains("<h3>Beslutning i Kommunalbestyrelsen den 26-05-2022</h3>"),
        "{}",
        extract_html.body
    );
    // After the minutes, a demand under § 23 comes too late.
    app.post(&referrals, secretary, json!({"participant_id": anne})).problem(409, "meeting-state");
    let minutes = format!("/v1/meetings/{meeting}/published/minutes/1");
    let document = app.get(&minutes, &committee.member).expect(200).json();
    assert_eq!(document["items"][4]["quorum"], json!({"members": 7, "present": 3, "quorate": false}));
    assert_eq!(document["items"][11]["referrals"][0]["name"], "Carla Ørsted");
    let markdown = app.get(&format!("{minutes}/markdown"), &committee.member).expect(200).body;
    for expected in [
        "Anne Hansen (A) (deltog ikke under punkt 5)",
        "Mette Berg (A) (ankom under punkt 3, forlod mødet efter punkt 14)",
        "Kirsten Ravn (V) (Afbud)",
        "Torben Haack (F) (deltog ikke under punkt 12-15)",
        "Lars Berg (V) (stedfortræder for Kirsten Ravn, deltog ikke under punkt 5)",
        "Sofie Dahl (F) (stedfortræder for Torben Haack, ankom under punkt 12)",
        "For stemte: Ø (1). Imod stemte: A og V (5). Undlod at stemme: F (1).",
        "Forslaget blev forkastet.",
        "For stemte: Anne Hansen (A), Mette Berg (A), Jens Lund (A), Bo Nielsen (V) og Lars Berg (V) (5). \
         Imod stemte: Carla Ørsted (Ø) (1). Undlod at stemme: Sofie Dahl (F) (1).",
        "Mindretalsudtalelse fra Carla Ørsted (Ø): Ø ønsker sagen udsat.",
        "Carla Ørsted (Ø) begærede sagen indbragt for kommunalbestyrelsen, jf. kommunestyrelseslovens § 23.",
        "Udvalget var ikke beslutningsdygtigt under punktet (3 af 7 medlemmer deltog). Beslutningen er ført til \
         protokol med begrundelsen: Sagen kunne ikke udsættes: fristen for høringssvar udløb samme aften.",
        "Jens Lund (A) erklærede sig inhabil. Kommunalbestyrelsen fandt Jens Lund inhabil. Jens Lund forlod mødet \
         under behandlingen af punktet. Per Holm (A) deltog som stedfortræder.",
    ] {
        assert!(markdown.contains(expected), "the minutes lack {expected:?}:\n{markdown}");
    }
}

fn the_roster_is_checked_and_kept_by_secretaries(app: &TestApp) {
    let committee = fixtures::committee(app, "Børne- og Ungeudvalget", "none");
    let secretary = &committee.secretary;
    let roster = format!("/v1/committees/{}/roster", committee.id);
    let body = json!({"name": "Anne Hansen", "party": "A", "from": "2022-01-01"});
    app.post(&roster, &committee.member, body.clone()).problem(403, "forbidden");
    let bad_party = json!({"name": "Anne Hansen", "party": "a", "from": "2022-01-01"});
    assert_eq!(app.post(&roster, secretary, bad_party).error_fields(422), ["party"]);
    let bad_day = json!({"name": "Anne Hansen", "from": "2022-13-01"});
    assert_eq!(app.post(&roster, secretary, bad_day).error_fields(422), ["from"]);
    let backwards = json!({"name": "Anne Hansen", "from": "2022-01-01", "to": "2021-12-31"});
    assert_eq!(app.post(&roster, secretary, backwards).error_fields(422), ["to"]);
    assert_eq!(app.get(&roster, secretary).json(), json!([]));
    let anne = seat(app, secretary, committee.id, body);
    let path = format!("{roster}/{anne}");
    assert_eq!(app.get(&path, &committee.member).expect(200).json()["from"], "2022-01-01");
    // Her seat ends; a meeting after that day starts without her, and she cannot be seated in it.
    let etag = app.get(&path, secretary).etag();
    let ended = app.patch(&path, secretary, &etag, json!({"to": "2022-06-30"})).expect(200).json();
    assert_eq!(ended["to"], "2022-06-30");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-08-15T16:00:00+02:00"));
    let participants = format!("/v1/meetings/{meeting}/participants");
    assert_eq!(app.get(&participants, secretary).json(), json!([]));
    let seated = json!({"name": "Anne Hansen", "roster_member_id": anne});
    assert_eq!(app.post(&participants, secretary, seated).error_fields(422), ["roster_member_id"]);
    // With no one on the roster that day there is no quorum to count.
    assert_eq!(app.get(&format!("/v1/meetings/{meeting}/quorum"), secretary).json(), json!([]));
    let etag = app.get(&path, secretary).etag();
    app.delete(&path, secretary, &etag).expect(204);
    app.get(&path, secretary).expect(404);
}
