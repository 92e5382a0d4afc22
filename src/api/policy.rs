//! Who may call each operation, declared where its route is registered.
//!
//! Every route is added with [`Routes::add`], which takes the handler and its [`Access`]: a route
//! cannot be registered without one. The declaration travels with the operation into the OpenAPI
//! document (`x-access`), from which the document's description of each operation, its 403 line and
//! the authorization matrix test are made, so that what integrators read, what the tests check and
//! what was declared are one thing.

use actix_web::dev::{AppService, HttpServiceFactory};
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::Paths;
use utoipa::openapi::schema::Schema;
use utoipa_actix_web::OpenApiFactory;
use utoipa_actix_web::service_config::ServiceConfig;

/// Who may call an operation. Roles on a committee come from grants on the committee or on its kind;
/// a caller without any role on the committee is answered 404, as if the resource did not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::EnumIter, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Access {
    /// Probes and the problem catalogue: anyone, without a token.
    Anyone,
    /// The public read API: anyone, without a token.
    Public,
    /// A personal calendar feed: whoever holds its secret URL.
    FeedSecret,
    /// The OAuth 2.0 token endpoint: a registered service client with its credentials.
    ClientCredentials,
    /// Any signed-in caller; the answer holds only what the caller may see.
    SignedIn,
    /// Signed-in people, not service clients.
    People,
    /// The calendar feed's own user.
    FeedOwner,
    /// The admin service role.
    Admin,
    /// Admins, and delegated managers of the group.
    GroupManager,
    /// Admins, and delegated managers of the committee's owner group.
    CommitteeManager,
    /// Whoever may see the committee.
    CommitteeViewer,
    /// The committee's managers and secretaries.
    GrantViewer,
    /// Any role on the meeting's committee.
    Reader,
    /// Whoever reads the item in full.
    InFull,
    /// The committee's secretaries.
    Secretary,
    /// An approver of the minutes, signing as themselves.
    Approver,
    /// The finance service role.
    Finance,
    /// The finance service role, reading the item in full.
    FinanceInFull,
    /// Whoever may see the allocation.
    AllocationViewer,
    /// The finance service role, seeing the allocation.
    AllocationFinance,
    /// The auditor service role.
    Auditor,
    /// Admins and service clients.
    Subscriber,
    /// The subscription's owner, and admins.
    WebhookViewer,
    /// The subscription's owner; admins may only turn it on and off.
    WebhookChange,
    /// The subscription's owner alone.
    WebhookOwner,
}

impl Access {
    /// The operation's access rule, for people reading the OpenAPI document.
    pub fn rule(self) -> &'static str {
        use Access::*;
        match self {
            Anyone => "Anyone, without a token.",
            Public => {
                "Anyone, without a token: published versions of committees whose publication is `public`. A caller \
                 who sends a token (it must be valid) also sees those of `internal` committees."
            }
            FeedSecret => {
                "Whoever holds the feed's secret URL (calendar clients send no token). It answers as its user would \
                 be answered now, and is gone once the user is deactivated or the feed revoked."
            }
            ClientCredentials => {
                "A registered service client, with its client id and secret in the form or as HTTP Basic \
                 authentication (RFC 6749 `client_secret_post` / `client_secret_basic`)."
            }
            SignedIn => "Any signed-in caller. The answer holds only what the caller may see.",
            People => "Signed-in people; service clients are refused (403).",
            FeedOwner => "The feed's own user; another user gets 404, a service client 403.",
            Admin => "The `admin` service role; anyone else gets 403.",
            GroupManager => {
                "The `admin` service role, or a delegated manager of the group (a direct member of a group marked \
                 `manages_subtree` above it); anyone else gets 403."
            }
            CommitteeManager => {
                "The `admin` service role, or a delegated manager of the committee's owner group. Others who may \
                 see the committee get 403; those who may not, 404."
            }
            CommitteeViewer => {
                "Admins and delegated managers, and anyone with a role on the committee; committees published as \
                 `public` or `internal` are seen by every signed-in caller. Others get 404."
            }
            GrantViewer => {
                "The committee's managers (admins, delegated managers) and its secretaries. Others with a role \
                 on the committee get 403; callers without one, 404."
            }
            Reader => {
                "A `reader`, `member` or `secretary` of the committee (granted on the committee or on its kind). \
                 Closed items are shown to readers, and to members excluded from them, as number and title only. \
                 Callers without a role get 404."
            }
            InFull => {
                "Whoever reads the item in full: for an open item any role on its committee; for a closed item a \
                 `member` or `secretary` who is not excluded from it. Others get 404."
            }
            Secretary => "A `secretary` of the committee. Readers and members get 403; callers without a role, 404.",
            Approver => {
                "A participant marked `approver` whose `user_subject` is the caller. Others who read the meeting \
                 get 403; callers without a role, 404."
            }
            Finance => "The `finance` service role; anyone else gets 403.",
            FinanceInFull => {
                "The `finance` service role, for an item the caller reads in full. Others who read the item get \
                 403; those who do not, 404."
            }
            AllocationViewer => {
                "The `finance` service role, members of a paying unit, and whoever reads the linked item; an \
                 allocation linked to a closed item only by those who read the item in full. Others get 404."
            }
            AllocationFinance => {
                "The `finance` service role (for an allocation it may see). Others who see the allocation get 403; \
                 those who do not, 404."
            }
            Auditor => "The `auditor` service role; anyone else gets 403.",
            Subscriber => "Admins and service clients; anyone else gets 403.",
            WebhookViewer => "The subscription's owner, and admins. Others get 404.",
            WebhookChange => {
                "The subscription's owner. Another admin may change `enabled` only (403 for anything else); \
                 others get 404."
            }
            WebhookOwner => {
                "The subscription's owner alone: another admin gets 403 (the deliveries tell when the owner's \
                 hidden content changed), others 404."
            }
        }
    }

    /// What a 403 from this operation means, where the rule can give one.
    pub fn forbidden(self) -> Option<&'static str> {
        use Access::*;
        Some(match self {
            Anyone | Public | FeedSecret | ClientCredentials | SignedIn | CommitteeViewer | Reader | InFull
            | AllocationViewer | WebhookViewer => return None,
            People | FeedOwner => "The caller is a service client, which has no calendar.",
            Admin => "The caller does not hold the admin role.",
            GroupManager => "The caller neither is an admin nor manages the group.",
            CommitteeManager => "The caller neither is an admin nor manages the committee's owner group.",
            GrantViewer => "The caller neither manages the committee nor is its secretary.",
            Secretary => "The caller is not a secretary of the committee.",
            Approver => "The caller is not an approver of these minutes.",
            Finance | FinanceInFull | AllocationFinance => "The caller does not hold the finance role.",
            Auditor => "The caller does not hold the auditor role.",
            Subscriber => "The caller is neither an admin nor a service client.",
            WebhookChange | WebhookOwner => "Only the subscription's owner may do this.",
        })
    }

    /// Whether a request needs a bearer token.
    pub fn needs_token(self) -> bool {
        !matches!(self, Access::Anyone | Access::Public | Access::FeedSecret | Access::ClientCredentials)
    }
}

/// The OpenAPI extension that carries an operation's [`Access`].
pub const EXTENSION: &str = "x-access";

/// Registers routes, each with its access rule.
pub struct Routes<'a, 's>(&'a mut ServiceConfig<'s>);

impl<'a, 's> Routes<'a, 's> {
    /// Adds the routes `register` declares to `cfg`.
    pub fn declare(cfg: &'a mut ServiceConfig<'s>, register: fn(&mut Routes)) {
        register(&mut Routes(cfg));
    }

    /// Adds a handler (an actix route macro's service with its `utoipa::path`) and who may call it.
    pub fn add<F>(&mut self, handler: F, access: Access) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        self.0.service(Declared { handler, access });
        self
    }
}

/// A handler with its declared access: registers the handler, and documents it with the rule.
struct Declared<F> {
    handler: F,
    access: Access,
}

impl<F: HttpServiceFactory> HttpServiceFactory for Declared<F> {
    fn register(self, config: &mut AppService) {
        self.handler.register(config);
    }
}

impl<F: OpenApiFactory> OpenApiFactory for Declared<F> {
    fn paths(&self) -> Paths {
        let mut paths = self.handler.paths();
        for item in paths.paths.values_mut() {
            let operations =
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete, &mut item.head];
            for operation in operations.into_iter().flatten() {
                let name: &'static str = self.access.into();
                operation
                    .extensions
                    .get_or_insert_with(Default::default)
                    .insert(EXTENSION.to_owned(), serde_json::Value::from(name));
            }
        }
        paths
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        self.handler.schemas(schemas);
    }
}
