//! The authorization matrix: every operation × every kind of caller → the status it must get, from
//! the access rule each route declares where it is registered (`x-access` in the OpenAPI document).
//! The test does not restate who may call what: it reads the declarations and checks that the
//! service behaves as they say, for every kind of caller. An operation whose rule this test does not
//! know, or that it has no request for, fails it.

use serde_json::Value;

use crate::catalogue::{EVERYONE, Who, World, operations_of};
use crate::common::{Request, TestApp};
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

/// The operation's policy, read from the access rule its route declares (`x-access` in the OpenAPI
/// document) and the status a permitted caller gets: 412 where the operation takes `If-Match` (the
/// requests here send a stale one), its success status otherwise.
fn policy(path: &str, operation: &Value) -> Option<Policy> {
    use Policy::*;
    let takes_if_match = operation["parameters"].as_array().is_some_and(|parameters| {
        parameters.iter().any(|p| p["$ref"] == "#/components/parameters/IfMatch" || p["name"] == "If-Match")
    });
    let success =
        operation["responses"].as_object()?.keys().filter_map(|s| s.parse::<u16>().ok()).find(|s| *s < 300)?;
    let ok = if takes_if_match { 412 } else { success };
    // A create on a collection names its committee or owner group in the body, not in the path.
    let on_collection = !path.contains('{');
    Some(match operation["x-access"].as_str()? {
        "anyone" => Probe,
        "public" | "feed-secret" => Public,
        "client-credentials" => TokenEndpoint,
        "signed-in" => SignedIn(ok),
        "people" => UsersOnly(ok),
        "feed-owner" => OwnFeed(ok),
        // No caller here is a delegated manager of a group.
        "admin" | "group-manager" => AdminOnly(ok),
        "committee-manager" if on_collection => AdminOnly(ok),
        "committee-manager" => ManageCommittee(ok),
        "committee-viewer" => SeeCommittee(ok),
        "grant-viewer" => CommitteeGrants(ok),
        "reader" => ReadMeetings(ok),
        "in-full" => ReadClosed(ok),
        "secretary" if on_collection => CreateMeeting,
        "secretary" => EditMeetings(ok),
        "approver" => SignOff(ok),
        "finance" => FinanceOnly(ok),
        "finance-in-full" => AllocationFromAmount,
        "allocation-viewer" => ReadAllocation(ok),
        "allocation-finance" => ChangeAllocation(ok),
        "auditor" => AuditorOnly(ok),
        "subscriber" => Subscriber(ok),
        "webhook-viewer" => SeeWebhook(ok),
        "webhook-change" | "webhook-owner" => OwnWebhook(ok),
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
    let document = app.call(Request::new("GET", "/v1/openapi.json")).expect(200).json();
    let operations = operations_of(&document);
    let declared = |method: &str, path: &str| policy(path, &document["paths"][path][method]);
    let unlisted: Vec<String> = operations
        .iter()
        .filter(|(method, path)| declared(method, path).is_none() || world.request(method, path).is_none())
        .map(|(method, path)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(unlisted.is_empty(), "operations without a declared access rule or a request in the tests: {unlisted:#?}");

    let mut wrong = Vec::new();
    for (method, path) in &operations {
        let policy = declared(method, path).unwrap();
        for who in EVERYONE {
            let reply = world.send(world.request(method, path).unwrap(), who);
            let want = expected(policy, who);
            if reply.status != want {
                wrong.push(format!(
                    "{} {path} as {who:?} ({policy:?}): {} (expected {want}) {}",
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
    assert!(wrong.is_empty(), "{} answers differ from the declared policy:\n{}", wrong.len(), wrong.join("\n"));
    assert!(operations.len() >= 50, "{} operations", operations.len());
}
