//! Access that follows the organisation: kind-wide grants, users joining and leaving, local members,
//! conflicts of interest, service clients, `/v1/me` and delegated administration.

use serde_json::{Value, json};

use crate::common::{Request, TestApp, urlencode};
use crate::db_tests;
use crate::fixtures::{self, CLOSED_ITEM_KEYS, id, keys, meeting_of, organisation};

db_tests!(
    the_seed_organisation_reads_back_in_its_four_tiers,
    a_kind_wide_grant_covers_every_committee_of_the_kind,
    users_are_recorded_on_their_first_request,
    a_deactivated_user_is_refused_at_once_on_every_instance,
    local_members_count_like_token_groups,
    an_excluded_member_sees_the_item_as_a_non_member,
    service_clients_use_the_client_credentials_grant,
    token_requests_are_checked_as_rfc_6749_says,
    me_describes_the_caller,
    a_group_can_manage_its_own_subtree,
);

fn meeting_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let page = app.get("/v1/meetings", token).expect(200).json();
    page["data"].as_array().unwrap().iter().map(id).collect()
}

/// The FirstAgenda roll-out's structure: every part of the organisation in one of four tiers, nested.
fn the_seed_organisation_reads_back_in_its_four_tiers(app: &TestApp) {
    let org = organisation(app);
    let admin = app.admin();
    let expected = [
        (&org.direktionen, "political", None),
        (&org.okonomistaben, "staff", None),
        (&org.hr, "staff", None),
        (&org.sekretariatet, "staff", None),
        (&org.hovedudvalget, "staff", None),
        (&org.jobcentret, "unit", None),
        (&org.borgerservice, "unit", None),
        (&org.born_og_familie, "unit", None),
        (&org.nordskolen, "institution", None),
        (&org.nordskolens_kontor, "institution", Some(org.nordskolen.id)),
        (&org.nordskolens_sekretaerer, "institution", Some(org.nordskolens_kontor.id)),
        (&org.skolebestyrelsen, "institution", Some(org.nordskolens_kontor.id)),
        (&org.solsikken, "institution", None),
        (&org.solsikkens_ledelse, "institution", Some(org.solsikken.id)),
        (&org.solsikkens_bestyrelse, "institution", Some(org.solsikken.id)),
    ];
    for (group, tier, parent) in expected {
        let stored = app.get(&format!("/v1/access-groups/{}", group.id), &admin).expect(200).json();
        assert_eq!(stored["external_id"], group.external_id.as_str());
        assert_eq!((stored["tier"].as_str(), stored["parent_id"].as_i64()), (Some(tier), parent), "{}", stored["name"]);
    }
    let kinds: Vec<(String, String)> = app.get("/v1/committees", &admin).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["kind"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("Direktionen", "executive_board"),
        ("Hovedudvalget", "med"),
        ("MED Jobcentret", "med"),
        ("MED Borgerservice", "med"),
        ("Skolebestyrelsen Nordskolen", "school_board"),
        ("Bestyrelsen i Solsikken", "daycare_board"),
    ];
    assert_eq!(kinds, expected.map(|(n, k)| (n.to_owned(), k.to_owned())));
}

/// The seed: a member of Hovedudvalget may see all MED meetings, present and future.
fn a_kind_wide_grant_covers_every_committee_of_the_kind(app: &TestApp) {
    let org = organisation(app);
    let hr = app.token("hr-sekretaer", &[&org.hr.external_id], &[]);
    let direktionen_secretary = app.token("sekretariat", &[&org.sekretariatet.external_id], &[]);
    let med_meetings: Vec<i64> = [org.hovedudvalget_committee, org.med_jobcentret, org.med_borgerservice]
        .iter()
        .map(|c| meeting_of(app, &hr, *c, "2022-05-10T09:00:00+02:00"))
        .collect();
    let direktionen_meeting =
        meeting_of(app, &direktionen_secretary, org.direktionen_committee, "2022-04-25T12:30:00+02:00");
    let closed = fixtures::item_as(
        app,
        &hr,
        med_meetings[1],
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "fortroligt"}),
    );

    let ho_member = app.token("ho-medlem", &[&org.hovedudvalget.external_id], &[]);
    assert_eq!(meeting_ids(app, &ho_member), med_meetings);
    assert_eq!(app.get(&format!("/v1/items/{}", id(&closed)), &ho_member).expect(200).json()["summary"], "fortroligt");
    app.get(&format!("/v1/meetings/{direktionen_meeting}"), &ho_member).problem(404, "not-found");
    // A reader of MED Jobcentret only reads it, and only its open content.
    let jobcentret = app.token("jc", &[&org.jobcentret.external_id], &[]);
    assert_eq!(meeting_ids(app, &jobcentret), [med_meetings[1]]);
    assert_eq!(keys(&app.get(&format!("/v1/items/{}", id(&closed)), &jobcentret).json()), CLOSED_ITEM_KEYS);

    // A MED committee created later is covered too.
    let admin = app.admin();
    let body = json!({"name": "MED Børn og Familie", "kind": "med", "owner_group_id": org.born_og_familie.id});
    let later = id(&app.post("/v1/committees", &admin, body).expect(201).json());
    fixtures::grant(app, later, org.hr.id, "secretary");
    let later_meeting = meeting_of(app, &hr, later, "2022-06-01T09:00:00+02:00");
    assert!(meeting_ids(app, &ho_member).contains(&later_meeting));

    // Kind-wide grants are listed and revoked like the others, by admins only.
    let listed = app.get("/v1/grants?committee_kind=med", &admin).expect(200).json();
    let grant = listed["data"][0].clone();
    assert_eq!((grant["group_id"].as_i64(), grant["role"].as_str()), (Some(org.hovedudvalget.id), Some("member")));
    app.get("/v1/grants", &ho_member).problem(403, "forbidden");
    let body = json!({"group_id": org.hovedudvalget.id, "committee_kind": "med", "role": "secretary"});
    app.post("/v1/grants", &ho_member, body.clone()).problem(403, "forbidden");
    app.post("/v1/grants", &admin, body).problem(409, "conflict");
    let path = format!("/v1/grants/{}", id(&grant));
    let etag = app.get(&path, &admin).etag();
    app.delete(&path, &admin, &etag).expect(204);
    assert!(meeting_ids(app, &ho_member).is_empty(), "revoked at once");
}

fn users_are_recorded_on_their_first_request(app: &TestApp) {
    let admin = app.admin();
    let claims = dagsorden::auth::UserClaims {
        sub: "k.hansen".into(),
        name: Some("Karen Hansen".into()),
        email: Some("kh@kalundborg.dk".into()),
        groups: vec!["jobcentret".into()],
        roles: vec![],
    };
    let token = app.mint(claims);
    app.get("/v1/committees", &token).expect(200);
    let page = app.get("/v1/users?subject=k.hansen", &admin).expect(200).json();
    let user = &page["data"][0];
    assert_eq!(user["name"], "Karen Hansen");
    assert_eq!(user["email"], "kh@kalundborg.dk");
    assert_eq!(user["groups_seen"], json!(["jobcentret"]));
    assert_eq!(user["active"], true);
    assert_eq!(user["first_seen_at"], user["last_seen_at"]);
    assert_eq!(app.get(&format!("/v1/users/{}", id(user)), &admin).expect(200).json(), *user);
    app.get("/v1/users", &token).problem(403, "forbidden");
    app.get(&format!("/v1/users/{}", id(user)), &token).problem(403, "forbidden");
    let all = app.get("/v1/users", &admin).json();
    let subjects: Vec<&str> = all["data"].as_array().unwrap().iter().map(|u| u["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["k.hansen", "admin"], "in the order they were first seen");
}

/// Fratrædelse: a user who leaves loses access the same minute, with tokens that have not expired,
/// on every instance of the service; reactivation gives it back.
fn a_deactivated_user_is_refused_at_once_on_every_instance(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let path = format!("/v1/meetings/{}", id(&meeting));
    let other = app.another_instance();
    app.get(&path, &committee.member).expect(200);
    other.get(&path, &committee.member).expect(200);

    let admin = app.admin();
    let subject = app.get("/v1/me", &committee.member).json()["subject"].as_str().unwrap().to_owned();
    let user = app.get(&format!("/v1/users?subject={}", urlencode(&subject)), &admin).json()["data"][0].clone();
    let deactivate = format!("/v1/users/{}/deactivate", id(&user));
    assert_eq!(app.post(&deactivate, &admin, json!({"reason": ""})).error_fields(422), ["reason"]);
    app.post(&deactivate, &committee.member, json!({"reason": "x"})).problem(403, "forbidden");
    let deactivated = app.post(&deactivate, &admin, json!({"reason": "Fratrådt 30.11.2026"})).expect(200).json();
    assert_eq!(
        (deactivated["active"].as_bool(), deactivated["deactivation_reason"].as_str()),
        (Some(false), Some("Fratrådt 30.11.2026"))
    );

    for instance in [app, &other] {
        let refused = instance.get(&path, &committee.member);
        assert!(refused.body.contains("deactivated"), "{}", refused.body);
        refused.problem(401, "unauthorized");
        instance.get("/v1/me", &committee.member).problem(401, "unauthorized");
        instance.post("/v1/meetings", &committee.member, json!({})).problem(401, "unauthorized");
    }
    app.post(&format!("/v1/users/{}/reactivate", id(&user)), &admin, json!({})).expect(200);
    other.get(&path, &committee.member).expect(200);

    // An admin cannot lock itself out.
    let me = app.get("/v1/users?subject=admin", &admin).json()["data"][0].clone();
    app.post(&format!("/v1/users/{}/deactivate", id(&me)), &admin, json!({"reason": "oops"})).problem(409, "conflict");
}

/// People outside AD (here: a parent on the school board) are added to a group here, and count like
/// the groups in their tokens.
fn local_members_count_like_token_groups(app: &TestApp) {
    let org = organisation(app);
    let office =
        app.token("kontor", &[&org.nordskolens_kontor.external_id, &org.nordskolens_sekretaerer.external_id], &[]);
    let meeting = meeting_of(app, &office, org.school_board, "2022-09-01T17:00:00+02:00");
    let item = fixtures::item_as(
        app,
        &office,
        meeting,
        json!({"title": "Elevsag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "fortroligt"}),
    );
    let parent = app.token("foraelder-7", &[], &[]);
    let item_path = format!("/v1/items/{}", id(&item));
    app.get(&item_path, &parent).problem(404, "not-found");

    let members = format!("/v1/access-groups/{}/members", org.skolebestyrelsen.id);
    let added = app.post(&members, &office, json!({"subject": "foraelder-7"})).expect(201);
    assert_eq!(added.json()["added_by"], "kontor");
    assert_eq!(app.get(&item_path, &parent).expect(200).json()["summary"], "fortroligt");
    app.post(&members, &office, json!({"subject": "foraelder-7"})).problem(409, "conflict");
    app.get(&members, &parent).problem(403, "forbidden");
    let listed = app.get(&members, &app.admin()).expect(200).json();
    assert_eq!(listed[0]["subject"], "foraelder-7");

    let member_path = added.header("location").unwrap().to_owned();
    app.delete(&member_path, &office, &added.etag()).expect(204);
    app.get(&item_path, &parent).problem(404, "not-found");
}

/// Inhabilitet: an excluded member sees the item as a non-member does; an excluded secretary cannot
/// change it; everything else stays as it was.
fn an_excluded_member_sees_the_item_as_a_non_member(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = id(&fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00"));
    let conflicted = fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Køb af ejendom", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "Pris 4 mio."}),
    );
    let other = fixtures::item(
        app,
        &committee,
        meeting,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": "fortroligt"}),
    );
    let member_subject = app.get("/v1/me", &committee.member).json()["subject"].as_str().unwrap().to_owned();
    let secretary_subject = app.get("/v1/me", &committee.secretary).json()["subject"].as_str().unwrap().to_owned();

    let exclusions = format!("/v1/items/{}/exclusions", id(&conflicted));
    app.post(&exclusions, &committee.member, json!({"subject": member_subject})).problem(403, "forbidden");
    app.post(
        &exclusions,
        &committee.secretary,
        json!({"subject": member_subject, "reason": "Nært familiemedlem er sælger"}),
    )
    .expect(201);
    app.post(&exclusions, &committee.secretary, json!({"subject": member_subject})).problem(409, "conflict");

    let conflicted_path = format!("/v1/items/{}", id(&conflicted));
    assert_eq!(keys(&app.get(&conflicted_path, &committee.member).json()), CLOSED_ITEM_KEYS);
    assert_eq!(app.get(&format!("/v1/items/{}", id(&other)), &committee.member).json()["summary"], "fortroligt");
    let agenda = app.get(&format!("/v1/meetings/{meeting}"), &committee.member).json()["items"].clone();
    assert_eq!(keys(&agenda[0]), CLOSED_ITEM_KEYS);
    assert_eq!(agenda[1]["summary"], "fortroligt");
    let body = app.get(&format!("/v1/meetings/{meeting}/items"), &committee.member).body;
    assert!(!body.contains("4 mio"), "{body}");
    // Another member is not affected.
    let colleague = app.token("kollega", &[&committee.member_external], &[]);
    assert_eq!(app.get(&conflicted_path, &colleague).json()["summary"], "Pris 4 mio.");

    // An excluded secretary neither sees nor changes the item, but the rest of the agenda.
    let listed = app.get(&exclusions, &committee.secretary).expect(200).json();
    let exclusion_path = format!("{exclusions}/{}", id(&listed[0]));
    app.post(&exclusions, &committee.secretary, json!({"subject": secretary_subject})).expect(201);
    let etag = app.get(&conflicted_path, &colleague).etag();
    app.patch(&conflicted_path, &committee.secretary, &etag, json!({"title": "x"})).problem(403, "forbidden");
    app.get(&exclusions, &committee.secretary).problem(403, "forbidden");
    assert_eq!(keys(&app.get(&conflicted_path, &committee.secretary).json()), CLOSED_ITEM_KEYS);
    let other_path = format!("/v1/items/{}", id(&other));
    let etag = app.get(&other_path, &committee.secretary).etag();
    app.patch(&other_path, &committee.secretary, &etag, json!({"title": "Personalesag (ny)"})).expect(200);

    // Ending the member's exclusion takes effect at once (done by a secretary who is not excluded).
    let second = app.token("sekretaer-2", &[&committee.secretariat_external], &[]);
    let etag = app.get(&exclusion_path, &second).expect(200).etag();
    app.delete(&exclusion_path, &second, &etag).expect(204);
    assert_eq!(app.get(&conflicted_path, &committee.member).json()["summary"], "Pris 4 mio.");
}

fn service_clients_use_the_client_credentials_grant(app: &TestApp) {
    let committee = fixtures::committee(app, "Direktionen", "none");
    let meeting = fixtures::meeting(app, &committee, "2022-04-25T12:30:00+02:00");
    let admin = app.admin();
    let registered = app
        .post("/v1/clients", &admin, json!({"name": "ESDH-integration", "group_id": committee.reader_group}))
        .expect(201);
    assert_eq!(registered.header("cache-control"), Some("no-store"));
    let client = registered.json();
    let (client_id, secret) =
        (client["client_id"].as_str().unwrap().to_owned(), client["client_secret"].as_str().unwrap().to_owned());
    let client_path = format!("/v1/clients/{}", id(&client));
    let stored = app.get(&client_path, &admin).expect(200);
    assert!(stored.json().get("client_secret").is_none(), "the secret is shown once");
    assert!(!stored.body.contains(&secret));
    app.post("/v1/clients", &committee.secretary, json!({"name": "x"})).problem(403, "forbidden");

    // The token answer is RFC 6749's, and the token carries the client's group grants.
    let form = format!("grant_type=client_credentials&client_id={client_id}&client_secret={}", urlencode(&secret));
    let answer = app
        .call(
            Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.clone().into_bytes()),
        )
        .expect(200);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let answer_body = answer.json();
    assert_eq!(keys(&answer_body), ["access_token", "expires_in", "token_type"]);
    assert_eq!((answer_body["token_type"].as_str(), answer_body["expires_in"].as_u64()), (Some("Bearer"), Some(900)));
    let token = answer_body["access_token"].as_str().unwrap().to_owned();
    let meeting_path = format!("/v1/meetings/{}", id(&meeting));
    app.get(&meeting_path, &token).expect(200);
    app.post("/v1/access-groups", &token, json!({"name": "x", "tier": "unit"})).problem(403, "forbidden");
    assert_eq!(app.get("/v1/me", &token).json()["client"], true);

    // HTTP Basic works as well (RFC 6749 §2.3.1).
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{}", urlencode(&secret)));
    let by_basic = app.call(
        Request::new("POST", "/v1/auth/token")
            .header("Authorization", &format!("Basic {basic}"))
            .raw("application/x-www-form-urlencoded", b"grant_type=client_credentials".to_vec()),
    );
    app.get(&meeting_path, by_basic.expect(200).json()["access_token"].as_str().unwrap()).expect(200);

    // Disabling takes effect at once, for new and for issued tokens.
    let etag = app.get(&client_path, &admin).etag();
    let disabled = app.patch(&client_path, &admin, &etag, json!({"enabled": false})).expect(200);
    app.get(&meeting_path, &token).problem(401, "unauthorized");
    let refused = app.call(
        Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.clone().into_bytes()),
    );
    assert_eq!(refused.problem(401, "token-request-refused")["error"], "invalid_client");
    app.patch(&client_path, &admin, &disabled.etag(), json!({"enabled": true})).expect(200);
    app.get(&meeting_path, &token).expect(200);

    // Rotation: the old secret stops working, the new one works.
    let rotated = app.post(&format!("{client_path}/secret"), &admin, json!({})).expect(200).json();
    let new_secret = rotated["client_secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let old =
        app.call(Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.into_bytes()));
    assert_eq!(old.problem(401, "token-request-refused")["error"], "invalid_client");
    let fresh = app.client_token(&client_id, new_secret);
    app.get(&meeting_path, &fresh).expect(200);

    // A deleted client's tokens are refused.
    let etag = app.get(&client_path, &admin).etag();
    app.delete(&client_path, &admin, &etag).expect(204);
    app.get(&meeting_path, &fresh).problem(401, "unauthorized");
}

fn token_requests_are_checked_as_rfc_6749_says(app: &TestApp) {
    let (client_id, secret) = app.register_client("Hjemmeside", &[], None);
    let request = |form: &str| {
        app.call(
            Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.as_bytes().to_vec()),
        )
    };
    let refused = |form: &str, status: u16| -> Value {
        let problem = request(form).problem(status, "token-request-refused");
        assert!(problem["error_description"].is_string());
        problem
    };
    let creds = format!("client_id={client_id}&client_secret={}", urlencode(&secret));
    assert_eq!(refused(&creds, 400)["error"], "invalid_request");
    assert_eq!(refused(&format!("grant_type=password&{creds}"), 400)["error"], "unsupported_grant_type");
    assert_eq!(
        refused(&format!("grant_type=client_credentials&client_id={client_id}&client_secret=wrong"), 401)["error"],
        "invalid_client"
    );
    assert_eq!(
        refused(
            &format!("grant_type=client_credentials&client_id=dgs_nobody&client_secret={}", urlencode(&secret)),
            401
        )["error"],
        "invalid_client"
    );
    assert_eq!(refused("grant_type=client_credentials", 401)["error"], "invalid_client");
    assert_eq!(
        refused(&format!("grant_type=client_credentials&grant_type=client_credentials&{creds}"), 400)["error"],
        "invalid_request"
    );
    let json_body = app.call(Request::new("POST", "/v1/auth/token").json(json!({"grant_type": "client_credentials"})));
    assert_eq!(json_body.problem(400, "token-request-refused")["error"], "invalid_request");
    let wrong_basic = app.call(
        Request::new("POST", "/v1/auth/token")
            .header("Authorization", "Basic bm90OnJpZ2h0")
            .raw("application/x-www-form-urlencoded", b"grant_type=client_credentials".to_vec()),
    );
    assert_eq!(wrong_basic.header("www-authenticate"), Some("Basic realm=\"dagsorden\""));
    assert_eq!(wrong_basic.problem(401, "token-request-refused")["error"], "invalid_client");
    request(&format!("grant_type=client_credentials&{creds}&scope=anything")).expect(200);
}

fn me_describes_the_caller(app: &TestApp) {
    let org = organisation(app);
    let token = app.token(
        "l.jensen",
        &[&org.skolebestyrelsen.external_id, &org.hovedudvalget.external_id, "unknown-ad-group"],
        &["finance"],
    );
    let admin = app.admin();
    app.post(
        &format!("/v1/access-groups/{}/members", org.solsikkens_bestyrelse.id),
        &admin,
        json!({"subject": "l.jensen"}),
    )
    .expect(201);
    let me = app.get("/v1/me", &token).expect(200).json();
    assert_eq!(me["subject"], "l.jensen");
    assert_eq!(me["client"], false);
    assert_eq!(me["roles"], json!(["finance"]));
    let groups: Vec<(String, String)> = me["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap().to_owned(), g["membership"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("Nordskolen", "inherited"),
        ("Nordskolens kontor", "inherited"),
        ("Skolebestyrelsen ved Nordskolen", "token"),
        ("Børnehuset Solsikken", "inherited"),
        ("Bestyrelsen i Solsikken", "local"),
        ("Hovedudvalget", "token"),
    ];
    assert_eq!(groups, expected.map(|(n, m)| (n.to_owned(), m.to_owned())));
    let committees: Vec<(String, String)> = me["committees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["role"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("Hovedudvalget", "member"),
        ("MED Jobcentret", "member"),
        ("MED Borgerservice", "member"),
        ("Skolebestyrelsen Nordskolen", "member"),
        ("Bestyrelsen i Solsikken", "member"),
    ];
    assert_eq!(committees, expected.map(|(n, r)| (n.to_owned(), r.to_owned())));
}

/// Delegated administration: the school's office manages the school's board committee and its
/// grants without being an admin, and nothing outside its subtree.
fn a_group_can_manage_its_own_subtree(app: &TestApp) {
    let org = organisation(app);
    let office =
        app.token("kontor", &[&org.nordskolens_kontor.external_id, &org.nordskolens_sekretaerer.external_id], &[]);
    // Members of a group below the managing one do not manage (only direct membership counts).
    let board_member = app.token("bestyrelse", &[&org.skolebestyrelsen.external_id], &[]);

    let create = |token: &str, parent: i64| {
        app.post(
            "/v1/access-groups",
            token,
            json!({"name": "Forældre 3.a", "tier": "institution", "parent_id": parent}),
        )
    };
    let parents = id(&create(&office, org.skolebestyrelsen.id).expect(201).json());
    create(&office, org.jobcentret.id).problem(403, "forbidden");
    create(&board_member, org.skolebestyrelsen.id).problem(403, "forbidden");
    app.post("/v1/access-groups", &office, json!({"name": "Top", "tier": "institution"})).problem(403, "forbidden");
    let flag =
        json!({"name": "x", "tier": "institution", "parent_id": org.skolebestyrelsen.id, "manages_subtree": true});
    app.post("/v1/access-groups", &office, flag).problem(403, "forbidden");

    // The office edits groups in its subtree, not elsewhere, and cannot move them out of it.
    let path = format!("/v1/access-groups/{parents}");
    let etag = app.get(&path, &office).etag();
    let etag = app.patch(&path, &office, &etag, json!({"description": "Forældrerepræsentanter"})).expect(200).etag();
    app.patch(&path, &office, &etag, json!({"parent_id": org.jobcentret.id})).problem(403, "forbidden");
    app.patch(&path, &office, &etag, json!({"manages_subtree": true})).problem(403, "forbidden");
    let jc = format!("/v1/access-groups/{}", org.jobcentret.id);
    app.patch(&jc, &office, &app.get(&jc, &office).etag(), json!({"name": "x"})).problem(403, "forbidden");
    let own = format!("/v1/access-groups/{}", org.nordskolens_kontor.id);
    app.delete(&own, &office, &app.get(&own, &office).etag()).problem(403, "forbidden");

    // Committees owned within the subtree, and their grants to groups within it.
    let body = json!({"name": "Elevrådet", "kind": "other", "owner_group_id": org.skolebestyrelsen.id});
    let council = app.post("/v1/committees", &office, body).expect(201);
    let council_id = id(&council.json());
    app.post("/v1/committees", &office, json!({"name": "x", "kind": "other", "owner_group_id": org.jobcentret.id}))
        .problem(403, "forbidden");
    let grants = format!("/v1/committees/{council_id}/grants");
    app.post(&grants, &office, json!({"group_id": parents, "role": "member"})).expect(201);
    app.post(&grants, &office, json!({"group_id": org.jobcentret.id, "role": "reader"})).problem(403, "forbidden");
    assert_eq!(app.get(&grants, &office).expect(200).json().as_array().unwrap().len(), 1);
    app.post(
        &format!("/v1/committees/{}/grants", org.daycare_board),
        &office,
        json!({"group_id": parents, "role": "member"}),
    )
    .problem(404, "not-found");
    let council_path = format!("/v1/committees/{council_id}");
    app.patch(&council_path, &office, &council.etag(), json!({"owner_group_id": org.hr.id})).problem(403, "forbidden");
    let changed = app.patch(&council_path, &office, &council.etag(), json!({"publication": "internal"})).expect(200);
    let listed = app.get("/v1/committees", &office).json();
    assert!(listed["data"].as_array().unwrap().iter().any(|c| id(c) == council_id));

    // Managing structure is not reading content: the office holds no role on Elevrådet.
    let secretary_group = org.skolebestyrelsen.external_id.clone();
    let secretary = app.token("elevraad-sekretaer", &[&secretary_group], &[]);
    app.post(&grants, &office, json!({"group_id": org.skolebestyrelsen.id, "role": "secretary"})).expect(201);
    let meeting = meeting_of(app, &secretary, council_id, "2022-10-01T14:00:00+02:00");
    app.get(&format!("/v1/meetings/{meeting}"), &office).problem(404, "not-found");
    app.delete(&council_path, &office, &changed.etag()).problem(409, "conflict");
}
