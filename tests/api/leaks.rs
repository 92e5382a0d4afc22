//! Closed content never reaches someone who may not see it. Every field of a closed item carries a
//! marker; every operation, list, filter and error is tried as every caller who may not read it, and
//! the marker must never appear in a body or a header.

use crate::catalogue::{MARKED_CASE, MARKER, NON_MEMBERS, Who, World, operations};
use crate::common::{Reply, Request, TestApp};
use crate::db_tests;

db_tests!(closed_content_never_reaches_a_non_member);

fn assert_clean(reply: &Reply, what: &str) {
    assert!(!reply.body.contains(MARKER), "{what} leaks closed content: {}", reply.body);
    for (name, value) in &reply.headers {
        assert!(!value.contains(MARKER), "{what} leaks closed content in {name}");
    }
}

fn closed_content_never_reaches_a_non_member(app: &TestApp) {
    let world = World::build(app);
    let (meeting, committee, item) = (world.meeting(), world.committee(), world.closed_item());
    let published = format!("/v1/meetings/{}/published", world.published_meeting());
    // Lists with every filter, paging, and requests that fail in every way they can.
    let extra = [
        format!("/v1/meetings?committee_id={committee}"),
        "/v1/meetings?status=draft&from=2022-01-01&to=2022-12-31".to_owned(),
        "/v1/meetings?modified_since=2000-01-01T00:00:00Z&limit=1".to_owned(),
        format!("/v1/meetings/{meeting}/items"),
        "/v1/committees?limit=1".to_owned(),
        format!("/v1/items/{item}/exclusions"),
        format!("/v1/items/{}", item + 1000),
        format!("/v1/items/{item}/nothing"),
        "/v1/me".to_owned(),
        format!("{published}/agenda/1"),
        format!("{published}/minutes/1"),
        format!("{published}/minutes/2/diff?from=1"),
        format!("{published}/agenda/1/diff"),
        format!("{published}/minutes/3"),
        format!("/v1/meetings/{}/sign-offs", world.published_meeting()),
        format!("/v1/allocations?item_id={item}"),
        format!("/v1/allocations/{}", world.closed_allocation()),
        "/v1/allocations?year=2022&status=approved".to_owned(),
        "/v1/allocations/report?year=2022&include_proposed=true".to_owned(),
        "/v1/allocations/report?year=2022&format=csv".to_owned(),
        "/v1/allocations/report?year=2022&format=csv_excel".to_owned(),
        "/v1/allocations/report.csv?year=2022&include_proposed=true&excel=true".to_owned(),
        format!("/v1/items/{item}/amounts"),
        "/v1/audit?object_type=allocation".to_owned(),
        "/v1/audit?object_type=item_amount".to_owned(),
        "/v1/changes?limit=200".to_owned(),
        format!("/v1/search?q=resume+{MARKER}"),
        "/v1/search?q=resume+indstilling+behandling".to_owned(),
        format!("/v1/search?q={MARKER}&case_number={MARKED_CASE}"),
        format!("/v1/search?q={MARKER}&case_type=decision&committee_id={committee}&from=2000-01-01&to=2100-01-01"),
        format!("/v1/search?q={MARKER}&limit=1&cursor=s.0.3.1"),
        "/v1/changes?events=item.updated,attachment.created,item.created".to_owned(),
        format!("/v1/changes?committee_id={committee}&since=id.1"),
    ];
    let mut checked = 0;
    for who in NON_MEMBERS {
        for (method, path) in operations(app) {
            let reply = world.send(world.request(&method, &path).expect("catalogued"), who);
            // A closed standing item belongs to the committee, not to the item the excluded member
            // is excluded from: as a member, they read it.
            if who == Who::ExcludedMember && path.contains("/standing-items") {
                continue;
            }
            assert_clean(&reply, &format!("{method} {path} as {who:?}"));
            checked += 1;
        }
        for path in &extra {
            assert_clean(&world.send(Request::new("GET", path), who), &format!("GET {path} as {who:?}"));
        }
        // Following every page of the meeting list.
        let mut next = Some("/v1/meetings?limit=1".to_owned());
        while let Some(path) = next.take() {
            let reply = world.send(Request::new("GET", &path), who);
            assert_clean(&reply, &format!("GET {path} as {who:?}"));
            if reply.status == 200 {
                next = reply.json()["next_cursor"].as_str().map(|c| format!("/v1/meetings?limit=1&cursor={c}"));
            }
        }
    }
    assert!(checked > 500, "{checked}");

    // The public API shows closed items as number and title to everyone, the committee's own too.
    for who in [Who::Member, Who::Secretary] {
        for (method, path) in operations(app).into_iter().filter(|(_, p)| p.starts_with("/v1/public/")) {
            let reply = world.send(world.request(&method, &path).expect("catalogued"), who);
            assert_clean(&reply, &format!("{method} {path} as {who:?}"));
        }
    }

    // The readers' system was subscribed before anything was made: it was sent every change it may
    // see, and never the closed content.
    let sent = world.webhook_bodies();
    assert!(sent.len() > 10, "{} deliveries", sent.len());
    for body in &sent {
        assert!(!body.contains(MARKER), "a webhook delivery leaks closed content: {body}");
    }

    // The test is worth something only if a member does see the marker.
    let member_view = world.send(Request::new("GET", &format!("/v1/items/{item}")), Who::Member);
    assert!(member_view.expect(200).body.contains(MARKER));
    for path in [
        format!("{published}/minutes/2"),
        format!("{published}/minutes/2/diff"),
        format!("/v1/allocations/{}", world.closed_allocation()),
        format!("/v1/items/{item}/amounts"),
    ] {
        let member_view = world.send(Request::new("GET", &path), Who::Member);
        assert!(member_view.expect(200).body.contains(MARKER), "{path}");
    }
}
