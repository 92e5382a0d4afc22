//! The authorization matrix: every operation × every kind of caller → the status it must get. An
//! operation without an entry in the policy table fails the test (deny by default: a new route is
//! not done until someone has decided who may call it).

use crate::catalogue::{EVERYONE, Who, World, operations};
use crate::common::TestApp;
use crate::db_tests;

db_tests!(every_operation_answers_every_caller_as_the_policy_says);

/// Who may call an operation, and what a permitted caller gets (`ok`).
#[derive(Clone, Copy, Debug)]
enum Policy {
    /// Probes: anyone, with or without a token.
    Probe,
    /// The OAuth token endpoint: client credentials in the form, no bearer token.
    TokenEndpoint,
    /// Any signed-in caller.
    SignedIn(u16),
    /// Admins only (admins and delegated managers for groups; no caller here is a delegated manager).
    AdminOnly(u16),
    /// The audit trail: auditors only.
    AuditorOnly(u16),
    /// Those who can see the (unpublished) committee.
    SeeCommittee(u16),
    /// The committee's managers (admins) and, for reading, its secretaries.
    CommitteeGrants(u16),
    /// Changing the committee or its grants: its managers.
    ManageCommittee(u16),
    /// Reading the committee's meetings: any role on it.
    ReadMeetings(u16),
    /// Changing meetings, items, participants and exclusions: the committee's secretaries.
    EditMeetings(u16),
    /// Creating a meeting names the committee in the body: without a role there is no such committee.
    CreateMeeting,
    /// Content of the closed item (its attendance): members and secretaries who are not excluded.
    ReadClosed(u16),
    /// Signing off the minutes: the approver (the member); others who may read the meeting are refused.
    SignOff(u16),
    /// The public API: anyone, signed in or not (an invalid token is still refused).
    Public,
    /// Personal calendar feeds: users, not service clients.
    UsersOnly(u16),
    /// One user's calendar feed (the member's): theirs alone.
    OwnFeed(u16),
    /// Creating an allocation: finance.
    FinanceOnly(u16),
    /// The allocation of the open item, paid by a unit no caller belongs to: finance, and whoever
    /// reads the item.
    ReadAllocation(u16),
    /// Changing that allocation: finance; those who see it otherwise are refused.
    ChangeAllocation(u16),
    /// An allocation from the open item's expense: finance that reads the item (no caller here);
    /// those who read the item are refused.
    AllocationFromAmount,
    /// Having webhooks: admins and service clients.
    Subscriber(u16),
    /// The client's subscription, seen (and turned off, deleted) by its owner and by admins.
    SeeWebhook(u16),
    /// What only the subscription's owner (the client) may do: point it elsewhere, its secret, its
    /// deliveries; an admin who sees it is refused.
    OwnWebhook(u16),
}

fn policy(method: &str, path: &str) -> Option<Policy> {
    use Policy::*;
    Some(match (method, path) {
        ("get", "/healthz" | "/readyz" | "/metrics" | "/problems/{slug}") => Probe,
        ("get", path) if path.starts_with("/v1/public/") => Public,
        ("get", "/v1/me/calendar-feeds") => UsersOnly(200),
        ("post", "/v1/me/calendar-feeds") => UsersOnly(201),
        ("get", "/v1/me/calendar-feeds/{id}") => OwnFeed(200),
        ("delete", "/v1/me/calendar-feeds/{id}") => OwnFeed(412),
        ("post", "/v1/auth/token") => TokenEndpoint,
        (
            "get",
            "/v1/access-groups"
            | "/v1/access-groups/{id}"
            | "/v1/committees"
            | "/v1/meetings"
            | "/v1/me"
            | "/v1/changes"
            | "/v1/search"
            | "/v1/webhooks/events"
            | "/v1/cases/{case_number}",
        ) => SignedIn(200),
        ("get", "/v1/webhooks") => Subscriber(200),
        ("post", "/v1/webhooks") => Subscriber(201),
        ("get", "/v1/webhooks/{id}") => SeeWebhook(200),
        ("delete", "/v1/webhooks/{id}") => SeeWebhook(412),
        ("patch", "/v1/webhooks/{id}") => OwnWebhook(412),
        ("post", "/v1/webhooks/{id}/secret" | "/v1/webhooks/{id}/deliveries/{delivery_id}/retry") => OwnWebhook(200),
        ("get", "/v1/webhooks/{id}/deliveries") => OwnWebhook(200),
        ("post", "/v1/access-groups") => AdminOnly(201),
        ("patch" | "delete", "/v1/access-groups/{id}") => AdminOnly(412),
        ("get", "/v1/access-groups/{id}/members" | "/v1/access-groups/{id}/members/{member_id}") => AdminOnly(200),
        ("post", "/v1/access-groups/{id}/members") => AdminOnly(201),
        ("delete", "/v1/access-groups/{id}/members/{member_id}") => AdminOnly(412),
        ("post", "/v1/committees") => AdminOnly(201),
        ("get", "/v1/committees/{id}") => SeeCommittee(200),
        ("patch" | "delete", "/v1/committees/{id}") => ManageCommittee(412),
        ("get", "/v1/committees/{id}/grants" | "/v1/committees/{id}/grants/{grant_id}") => CommitteeGrants(200),
        ("post", "/v1/committees/{id}/grants") => ManageCommittee(201),
        ("patch" | "delete", "/v1/committees/{id}/grants/{grant_id}") => ManageCommittee(412),
        ("get", "/v1/grants" | "/v1/grants/{id}") => AdminOnly(200),
        ("post", "/v1/grants") => AdminOnly(201),
        ("patch" | "delete", "/v1/grants/{id}") => AdminOnly(412),
        ("post", "/v1/meetings") => CreateMeeting,
        (
            "get",
            "/v1/meetings/{id}"
            | "/v1/meetings/{id}/participants"
            | "/v1/meetings/{id}/participants/{participant_id}"
            | "/v1/meetings/{id}/items"
            | "/v1/items/{id}"
            | "/v1/meetings/{id}/published"
            | "/v1/meetings/{id}/published/{kind}/{number}"
            | "/v1/meetings/{id}/published/{kind}/{number}/diff"
            | "/v1/meetings/{id}/published/{kind}/{number}/html"
            | "/v1/meetings/{id}/published/{kind}/{number}/markdown"
            | "/v1/meetings/{id}/sign-offs"
            | "/v1/committees/{id}/standing-items"
            | "/v1/committees/{id}/standing-items/{standing_item_id}",
        ) => ReadMeetings(200),
        (
            "get",
            "/v1/items/{id}/attendance"
            | "/v1/items/{id}/attendance/{attendance_id}"
            | "/v1/items/{id}/attachments"
            | "/v1/attachments/{id}"
            | "/v1/attachments/{id}/content"
            | "/v1/meetings/{id}/published/{kind}/{number}/attachments/{attachment_id}",
        ) => ReadClosed(200),
        ("post", "/v1/items/{id}/attachments") => EditMeetings(201),
        ("delete", "/v1/attachments/{id}") => EditMeetings(412),
        (
            "post",
            "/v1/meetings/{id}/publish-agenda"
            | "/v1/meetings/{id}/hold"
            | "/v1/meetings/{id}/publish-minutes"
            | "/v1/meetings/{id}/cancel",
        ) => EditMeetings(412),
        ("post", "/v1/meetings/{id}/sign-offs") | ("delete", "/v1/meetings/{id}/sign-offs/{sign_off_id}") => {
            SignOff(412)
        }
        ("post", "/v1/items/{id}/attendance" | "/v1/committees/{id}/standing-items") => EditMeetings(201),
        (
            "put" | "delete",
            "/v1/items/{id}/decision"
            | "/v1/items/{id}/attendance/{attendance_id}"
            | "/v1/committees/{id}/standing-items/{standing_item_id}",
        ) => EditMeetings(412),
        ("patch", "/v1/committees/{id}/standing-items/{standing_item_id}") => EditMeetings(412),
        ("post", "/v1/meetings/{id}/participants" | "/v1/meetings/{id}/items" | "/v1/items/{id}/exclusions") => {
            EditMeetings(201)
        }
        (
            "patch" | "delete",
            "/v1/meetings/{id}" | "/v1/meetings/{id}/participants/{participant_id}" | "/v1/items/{id}",
        ) => EditMeetings(412),
        ("put", "/v1/meetings/{id}/item-order") => EditMeetings(412),
        ("get", "/v1/items/{id}/exclusions" | "/v1/items/{id}/exclusions/{exclusion_id}") => EditMeetings(200),
        ("delete", "/v1/items/{id}/exclusions/{exclusion_id}") => EditMeetings(412),
        ("get", "/v1/users" | "/v1/users/{id}" | "/v1/clients" | "/v1/clients/{id}") => AdminOnly(200),
        ("post", "/v1/users/{id}/deactivate" | "/v1/users/{id}/reactivate" | "/v1/clients/{id}/secret") => {
            AdminOnly(200)
        }
        ("post", "/v1/clients") => AdminOnly(201),
        ("get", "/v1/audit") => AuditorOnly(200),
        ("patch" | "delete", "/v1/clients/{id}") => AdminOnly(412),
        ("get", "/v1/allocations" | "/v1/allocations/report" | "/v1/allocations/report.csv") => SignedIn(200),
        ("post", "/v1/allocations") => FinanceOnly(201),
        ("get", "/v1/allocations/{id}") => ReadAllocation(200),
        ("patch" | "delete", "/v1/allocations/{id}") | ("post", "/v1/allocations/{id}/recount") => {
            ChangeAllocation(412)
        }
        ("get", "/v1/items/{id}/amounts" | "/v1/items/{id}/amounts/{amount_id}") => ReadClosed(200),
        ("post", "/v1/items/{id}/amounts") => EditMeetings(201),
        ("patch" | "delete", "/v1/items/{id}/amounts/{amount_id}") => EditMeetings(412),
        ("post", "/v1/items/{id}/amounts/{amount_id}/allocations") => AllocationFromAmount,
        _ => return None,
    })
}

/// The status `who` must get from an operation with this policy.
fn expected(policy: Policy, who: Who) -> u16 {
    use Policy::*;
    use Who::*;
    let invalid = matches!(who, Anonymous | Deactivated | OtherAudience | Expired);
    match policy {
        Probe => return 200,
        Public if who == Anonymous => return 200,
        TokenEndpoint => return if who == Anonymous { 200 } else { 401 },
        _ if invalid => return 401,
        _ => {}
    }
    // Roles on the committee: the excluded member is a member, the client acts as the readers.
    let role = match who {
        Reader | Client => 1,
        Member | ExcludedMember => 2,
        Secretary => 3,
        _ => 0,
    };
    let admin = who == Admin;
    match policy {
        Probe | TokenEndpoint => unreachable!(),
        SignedIn(ok) => ok,
        AuditorOnly(ok) => {
            if who == Auditor {
                ok
            } else {
                403
            }
        }
        AdminOnly(ok) => {
            if admin {
                ok
            } else {
                403
            }
        }
        SeeCommittee(ok) => {
            if admin || role > 0 {
                ok
            } else {
                404
            }
        }
        CommitteeGrants(ok) => match (admin, role) {
            (true, _) | (_, 3) => ok,
            (_, 0) => 404,
            _ => 403,
        },
        ManageCommittee(ok) => match (admin, role) {
            (true, _) => ok,
            (_, 0) => 404,
            _ => 403,
        },
        ReadMeetings(ok) => {
            if role > 0 {
                ok
            } else {
                404
            }
        }
        EditMeetings(ok) => match role {
            3 => ok,
            0 => 404,
            _ => 403,
        },
        CreateMeeting => match role {
            3 => 201,
            0 => 422,
            _ => 403,
        },
        ReadClosed(ok) => match who {
            Member | Secretary => ok,
            _ => 404,
        },
        SignOff(ok) => match (who, role) {
            (Member, _) => ok,
            (_, 0) => 404,
            _ => 403,
        },
        Public => 200,
        UsersOnly(ok) => {
            if who == Client {
                403
            } else {
                ok
            }
        }
        OwnFeed(ok) => match who {
            Member => ok,
            Client => 403,
            _ => 404,
        },
        FinanceOnly(ok) => {
            if who == Finance {
                ok
            } else {
                403
            }
        }
        ReadAllocation(ok) => {
            if who == Finance || role > 0 {
                ok
            } else {
                404
            }
        }
        ChangeAllocation(ok) => match (who, role) {
            (Finance, _) => ok,
            (_, 0) => 404,
            _ => 403,
        },
        AllocationFromAmount => {
            if role > 0 {
                403
            } else {
                404
            }
        }
        Subscriber(ok) => {
            if admin || who == Client {
                ok
            } else {
                403
            }
        }
        SeeWebhook(ok) => {
            if admin || who == Client {
                ok
            } else {
                404
            }
        }
        OwnWebhook(ok) => match who {
            Client => ok,
            Admin => 403,
            _ => 404,
        },
    }
}

fn every_operation_answers_every_caller_as_the_policy_says(app: &TestApp) {
    let world = World::build(app);
    let operations = operations(app);
    let unlisted: Vec<String> = operations
        .iter()
        .filter(|(method, path)| policy(method, path).is_none() || world.request(method, path).is_none())
        .map(|(method, path)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(unlisted.is_empty(), "operations without a policy or a request in the tests: {unlisted:#?}");

    let mut wrong = Vec::new();
    for (method, path) in &operations {
        let policy = policy(method, path).unwrap();
        for who in EVERYONE {
            let reply = world.send(world.request(method, path).unwrap(), who);
            let want = expected(policy, who);
            if reply.status != want {
                wrong.push(format!(
                    "{} {path} as {who:?}: {} (expected {want}) {}",
                    method.to_uppercase(),
                    reply.status,
                    reply.body
                ));
            }
            if reply.status >= 400 {
                assert_eq!(
                    reply.header("content-type"),
                    Some("application/problem+json"),
                    "{method} {path} as {who:?}"
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers differ from the policy:\n{}", wrong.len(), wrong.join("\n"));
    assert!(operations.len() >= 50, "{} operations", operations.len());
}
