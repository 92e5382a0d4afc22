//! Full-text search: Danish inflections, snippets, filters and pages; closed matches found only by
//! those who read them, and answers to others that do not change when a hidden match appears.

use std::time::Duration;

use serde_json::{Value, json};

use crate::attachments::PDF;
use crate::common::TestApp;
use crate::db_tests;
use crate::fixtures::{self, committee, decide, group, id, item, meeting, publish_and_hold, unique};

db_tests!(
    danish_inflections_are_found_with_snippets_filters_and_pages,
    closed_matches_are_found_only_by_those_who_read_them,
    search_input_is_validated,
    both_ways_of_finding_items_give_the_same_hits,
    a_kind_grant_finds_what_a_grant_of_the_committee_finds,
);

const SECRET: &str = "HEMMELIG-5e02";

fn search(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page = app.get(&format!("/v1/search?{query}"), token).expect(200).json();
    assert!(page["next_cursor"].is_null(), "one page expected: {page}");
    page["data"].as_array().unwrap().clone()
}

/// (kind, id) of each hit, in order.
fn found(hits: &[Value]) -> Vec<(String, i64)> {
    hits.iter().map(|h| (h["kind"].as_str().unwrap().to_owned(), id(h))).collect()
}

fn danish_inflections_are_found_with_snippets_filters_and_pages(app: &TestApp) {
    let c = committee(app, "Økonomiudvalget", "internal");
    let older = id(&meeting(app, &c, "2023-05-01T16:00:00+02:00"));
    let budget = id(&item(
        app,
        &c,
        older,
        json!({"title": "Budget 2024", "case_number": "21-046857K", "case_type": "decision",
               "summary": "Udvalget skal træffe en beslutning om \"rammerne\" & budgettet."}),
    ));
    let orientation =
        id(&item(app, &c, older, json!({"title": "Orientering om beslutninger", "case_type": "information"})));
    item(app, &c, older, json!({"title": "Eventuelt", "summary": "Intet at bemærke."}));
    let attachment =
        id(&app.upload(budget, &c.secretary, "notat.pdf", PDF, Some("Notat om beslutningerne")).expect(201).json());
    let newer = app.post(
        "/v1/meetings",
        &c.secretary,
        json!({"committee_id": c.id, "title": "Beslutningsmøde", "starts_at": "2024-06-03T09:00:00+02:00",
               "location": "Virtuelt via Teams"}),
    );
    let newer = id(&newer.expect(201).json());
    let approval = id(&item(app, &c, newer, json!({"title": "Godkendelse"})));
    publish_and_hold(app, &c.secretary, newer);
    decide(app, &c.secretary, approval, json!({"outcome": "approved", "text": "Udvalgets beslutning: godkendt."}));

    // "beslutninger" finds every inflection, newest meeting first; within a meeting, items (newest
    // first), then the meeting itself, then attachments.
    let hits = search(app, &c.member, "q=beslutninger");
    let expected = [("item", approval), ("item", orientation), ("item", budget), ("attachment", attachment)];
    assert_eq!(found(&hits), expected.map(|(k, i)| (k.to_owned(), i)), "{hits:#?}");
    let title_matches: Vec<bool> = hits.iter().map(|h| h["title_match"].as_bool().unwrap()).collect();
    assert_eq!(title_matches, [false, true, false, true], "where the words were found");
    assert_eq!(
        hits[2]["snippet"],
        "Udvalget skal træffe en <mark>beslutning</mark> om &quot;rammerne&quot; &amp; budgettet"
    );
    assert_eq!(
        (hits[2]["case_number"].as_str(), hits[2]["case_type"].as_str()),
        (Some("21-046857K"), Some("decision"))
    );
    assert_eq!(hits[2]["meeting"]["id"], older);
    assert_eq!(hits[2]["href"], format!("/v1/items/{budget}"));
    assert_eq!(hits[1]["snippet"], "Orientering om <mark>beslutninger</mark>");
    assert_eq!(hits[0]["snippet"], "Udvalgets <mark>beslutning</mark>: godkendt");
    // The meeting titled "Beslutningsmøde" is a compound: not an inflection of "beslutning".
    assert!(!found(&hits).contains(&("meeting".to_owned(), newer)));
    let meetings = search(app, &c.member, "q=beslutningsm%C3%B8de");
    assert_eq!(found(&meetings), [("meeting".to_owned(), newer)]);
    assert_eq!(found(&search(app, &c.member, "q=teams")), [("meeting".to_owned(), newer)], "the place");
    assert_eq!(found(&search(app, &c.member, "q=r%C3%A5dhuset")), [("meeting".to_owned(), older)]);
    // Stop words are left out of the query on both databases, as PostgreSQL does.
    assert_eq!(search(app, &c.member, "q=beslutning+om+rammerne+af"), search(app, &c.member, "q=beslutning+rammerne"));
    let reply = app.get("/v1/search?q=og+om+af", &c.member);
    assert_eq!(reply.error_fields(422), ["q"], "readable, but nothing to search for");

    // Filters.
    assert_eq!(found(&search(app, &c.member, "q=beslutning&case_number=21-046857K")), [("item".to_owned(), budget)]);
    assert_eq!(
        found(&search(app, &c.member, "q=beslutning&case_type=information")),
        [("item".to_owned(), orientation)]
    );
    assert_eq!(search(app, &c.member, "q=beslutning&from=2024-01-01").len(), 1);
    assert_eq!(search(app, &c.member, "q=beslutning&to=2023-12-31").len(), 3);
    assert!(search(app, &c.member, &format!("q=beslutning&committee_id={}", c.id + 1)).is_empty());
    // Every word must occur.
    assert_eq!(found(&search(app, &c.member, "q=beslutning+rammerne")), [("item".to_owned(), budget)]);

    // Pages of one hit give the same hits in the same order.
    let mut paged = Vec::new();
    let mut path = "/v1/search?q=beslutning&limit=1".to_owned();
    loop {
        let page = app.get(&path, &c.member).expect(200).json();
        paged.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/search?q=beslutning&limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, search(app, &c.member, "q=beslutning"));
    // Someone who reads nothing of the committee finds nothing.
    assert!(search(app, &c.outsider, "q=beslutning").is_empty());
}

fn closed_matches_are_found_only_by_those_who_read_them(app: &TestApp) {
    let c = committee(app, "Direktionen", "internal");
    let m = id(&meeting(app, &c, "2024-02-01T09:00:00+01:00"));
    item(app, &c, m, json!({"title": "Beslutning om kantinen", "summary": "Kantinen lukker."}));
    let before: Vec<Value> = ["q=beslutning", "q=kantinen", "q=personalesag"]
        .iter()
        .map(|q| app.get(&format!("/v1/search?{q}"), &c.reader).expect(200).json())
        .collect();

    let closed = id(&item(
        app,
        &c,
        m,
        json!({"title": "Personalesag", "closed": true, "legal_basis": "offentlighedsloven_30_1", "case_number": "24-000001A", "case_type": "decision",
               "summary": format!("{SECRET} beslutning om kantinen og xylofonen")}),
    ));
    app.upload(closed, &c.secretary, "sag.pdf", PDF, Some("Kantinens xylofon")).expect(201);

    // The member finds the closed item by its text, and sees the snippet.
    let hits = search(app, &c.member, "q=xylofoner");
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert!(hits.iter().any(|h| h["kind"] == "item" && h["snippet"].as_str().unwrap().contains(SECRET)));

    // The reader: text matches are not found, and answers about the open item are unchanged.
    for (i, q) in ["q=beslutning", "q=kantinen"].iter().enumerate() {
        let reply = app.get(&format!("/v1/search?{q}"), &c.reader).expect(200);
        assert!(!reply.body.contains(SECRET));
        assert_eq!(reply.json(), before[i], "{q}: a hidden match changes nothing");
    }
    for q in [
        "q=xylofon",
        "q=beslutning&case_number=24-000001A",
        "q=personalesag&case_number=24-000001A",
        "q=personalesag&case_type=decision",
    ] {
        let reply = app.get(&format!("/v1/search?{q}"), &c.reader).expect(200);
        assert_eq!(reply.json()["data"], json!([]), "{q}");
    }
    // … but the title, which a reader sees, is found, and shows no more than the title.
    let hits = search(app, &c.reader, "q=personalesag");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["item"], json!({"id": closed, "number": 2, "title": "Personalesag", "closed": true}));
    assert_eq!(hits[0]["snippet"], "<mark>Personalesag</mark>");
    assert!(hits[0]["case_number"].is_null() && hits[0]["case_type"].is_null());
    assert_ne!(before[2]["data"], json!(hits));

    // The reader finds an open item's attachment by its name; once the item is closed, neither its
    // text nor its attachment's name, and the member still finds both.
    let open = id(&item(app, &c, m, json!({"title": "Trivsel", "summary": "Trivselsmålingen for kontrabassister."})));
    let attachment =
        id(&app.upload(open, &c.secretary, "maaling.pdf", PDF, Some("Kontrabasmåling")).expect(201).json());
    let both = [("item".to_owned(), open), ("attachment".to_owned(), attachment)];
    assert_eq!(found(&search(app, &c.reader, "q=kontrabasm%C3%A5ling+kontrabassister")), []);
    let mut seen: Vec<(String, i64)> = ["q=kontrabassister", "q=kontrabasm%C3%A5ling"]
        .iter()
        .flat_map(|q| found(&search(app, &c.reader, q)))
        .collect();
    seen.sort();
    assert_eq!(seen, [both[1].clone(), both[0].clone()], "open: the reader finds both");
    let etag = app.get(&format!("/v1/items/{open}"), &c.secretary).expect(200).etag();
    app.patch(
        &format!("/v1/items/{open}"),
        &c.secretary,
        &etag,
        json!({"closed": true, "legal_basis": "offentlighedsloven_30_1"}),
    )
    .expect(200);
    for q in ["q=kontrabassister", "q=kontrabasm%C3%A5ling"] {
        assert_eq!(found(&search(app, &c.reader, q)), [], "{q}, once closed");
    }
    assert_eq!(found(&search(app, &c.member, "q=kontrabassister")), [both[0].clone()]);
    assert_eq!(found(&search(app, &c.member, "q=kontrabasm%C3%A5ling")), [both[1].clone()]);

    // Excluded from the item, the member searches it as a reader does.
    let body = json!({"subject": c.member_subject, "reason": "inhabil"});
    app.post(&format!("/v1/items/{closed}/exclusions"), &c.secretary, body).expect(201);
    let reply = app.get("/v1/search?q=xylofon", &c.member).expect(200);
    assert!(!reply.body.contains(SECRET));
    assert_eq!(reply.json()["data"], json!([]));
}

fn search_input_is_validated(app: &TestApp) {
    let c = committee(app, "Teknik- og Miljøudvalget", "internal");
    for query in [
        "",
        "q=",
        "case_type=decision",
        &format!("q={}", "a".repeat(201)),
        "q=vej&case_type=approval",
        "q=vej&cursor=t.1.2",
        "q=vej&limit=0",
        "q=vej&from=i+g%C3%A5r",
        "q=vej&colour=blue",
    ] {
        let reply = app.get(&format!("/v1/search?{query}"), &c.member);
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        reply.problem(400, "malformed-request");
    }
    // A query that can be read but holds no word to search for.
    assert_eq!(app.get("/v1/search?q=+%2C.%3B", &c.member).error_fields(422), ["q"]);
    // FTS5 syntax in a query is only words.
    assert!(search(app, &c.member, "q=%22vej%22+OR+NEAR(x%2C+y)+*").is_empty());
    app.get("/v1/search?q=vej", "not a token").problem(401, "unauthorized");
}

/// SQLite finds the items of a common word by walking the meetings newest first, those of a rarer
/// one by looking every match up (db::search::WALK_FROM); PostgreSQL walks the meetings of the
/// committees a caller reads by id and leaves the rest to its planner: page by page, as a member and
/// as a reader, both ways give the same hits.
fn both_ways_of_finding_items_give_the_same_hits(app: &TestApp) {
    use dagsorden::db::Database;
    use dagsorden::db::search::{SearchFilter, search};
    use dagsorden::domain::search::{fts5_query, query_stems};

    let c = committee(app, "Økonomiudvalget", "internal");
    for (n, day) in ["2021-03-01", "2023-09-04", "2022-01-10", "2023-09-04"].iter().enumerate() {
        let m = id(&meeting(app, &c, &format!("{day}T16:00:00+01:00")));
        for k in 0..4 {
            let body = json!({"title": format!("Budget {n}.{k}"), "closed": k == 1, "legal_basis": fixtures::basis(k == 1),
                              "summary": if k == 2 { "Intet om det" } else { "Budgettet for skolerne" }});
            item(app, &c, m, body);
        }
    }
    let db = Database::open(&app.database_url, 1, Duration::from_secs(5)).unwrap();
    for (query, member) in [("budgettet", true), ("budgettet", false), ("skolerne", true), ("skolerne", false)] {
        let stems = query_stems(query);
        let mut pages: Vec<Vec<(i64, i32)>> = Vec::new();
        for walk in [false, true] {
            let mut filter = SearchFilter {
                text: query.to_owned(),
                fts_all: fts5_query(&stems, None),
                fts_title: fts5_query(&stems, Some("title")),
                read_ids: vec![c.id],
                member_ids: if member { vec![c.id] } else { Vec::new() },
                subject: "someone".to_owned(),
                limit: 3,
                walk: Some(walk),
                ..SearchFilter::default()
            };
            let mut found = Vec::new();
            loop {
                let hits = db.blocking::<_, dagsorden::db::StoreError, _>(|conn| Ok(search(conn, &filter)?)).unwrap();
                found.extend(hits.iter().map(|h| (h.id, h.kind_order)));
                match hits.last() {
                    Some(last) if hits.len() == 3 => filter.after = Some((last.starts_at, last.kind_order, last.id)),
                    _ => break,
                }
            }
            pages.push(found);
        }
        assert!(pages[0].len() >= 8, "{query}: {:?}", pages[0]);
        assert_eq!(pages[0], pages[1], "{query} as {}", if member { "member" } else { "reader" });
    }
}

/// A caller granted a kind of committee is searched for with statements of its own on PostgreSQL
/// (db::search walks the meetings of committees granted by id): a member of the kind finds what a
/// member of the committee finds, closed text too, and a reader of the kind what its reader finds.
fn a_kind_grant_finds_what_a_grant_of_the_committee_finds(app: &TestApp) {
    let c = committee(app, "Direktionen", "internal");
    let m = id(&meeting(app, &c, "2024-03-01T09:00:00+01:00"));
    item(app, &c, m, json!({"title": "Orkestret", "summary": "Fagotterne stemmes før koncerten."}));
    item(
        app,
        &c,
        m,
        json!({"title": "Salg", "closed": true, "legal_basis": "offentlighedsloven_30_1", "summary": format!("{SECRET} fagotten sælges")}),
    );
    let by_kind = |role: &str| {
        let (group_id, external) = group(app, &format!("Alle direktioner {role}"), "unit", None);
        let body = json!({"group_id": group_id, "committee_kind": "executive_board", "role": role});
        app.post("/v1/grants", &app.admin(), body).expect(201);
        app.token(&unique("kind"), &[&external], &[])
    };
    let (kind_member, kind_reader) = (by_kind("member"), by_kind("reader"));

    let members = search(app, &c.member, "q=fagotter");
    assert_eq!(found(&members).len(), 2, "{members:#?}");
    assert!(members.iter().any(|h| h["snippet"].as_str().unwrap().contains(SECRET)));
    assert_eq!(search(app, &kind_member, "q=fagotter"), members);

    let reply = app.get("/v1/search?q=fagotter", &kind_reader).expect(200);
    assert!(!reply.body.contains(SECRET));
    assert_eq!(reply.json()["data"], json!(search(app, &c.reader, "q=fagotter")));
    assert_eq!(found(&search(app, &kind_reader, "q=fagotter")).len(), 1);
}
