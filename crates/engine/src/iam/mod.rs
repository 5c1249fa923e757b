//! IAM fine-grained access, simulated: principals (an access key id, a user name, identity
//! policies and the values of policy variables such as a web identity's user id), set with
//! `Dynoscope_PutPrincipal` and kept as settings `principal:<access key id>`. A request sent
//! as a known principal ([`Engine::dispatch_as`]: natively, the access key id its signature
//! names) is authorized before it runs: every action it needs ([`context`]) must be allowed
//! by some statement and denied by none ([`policy`]); otherwise it fails with DynamoDB's
//! AccessDeniedException in the form AWS words it ("User: <arn> is not authorized to
//! perform: <action> on resource: <arn> because no identity-based policy allows the
//! <action> action", or "... with an explicit deny in an identity-based policy"). Unknown or
//! absent keys act as the account's administrator, so nothing changes for anyone who sets
//! no principal. The playground's own `Dynoscope_` operations are not authorized.
//! [`Engine::explain_access`] says which statement decided each action.

mod context;
mod policy;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::contract::{AccessDecision, AccessExplanation, AuthorizationView};
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use policy::{Authorization, Policy};

/// The prefix of the settings principals are kept under.
pub(crate) const SETTING_PREFIX: &str = "principal:";

/// A principal as set and kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Principal {
    pub access_key_id: String,
    pub name: String,
    /// Identity policy documents, as JSON text.
    pub policies: Vec<String>,
    /// Values of policy variables beyond `aws:username` and `aws:userid` (for example
    /// `cognito-identity.amazonaws.com:sub`), as web identity federation would supply them.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

/// Every principal, with its policies read.
#[derive(Debug, Default)]
pub(crate) struct Principals {
    by_key: BTreeMap<String, (Principal, Vec<Policy>)>,
}

impl Principals {
    /// Keeps `principal` (replacing one of the same key); its policies must read.
    pub(crate) fn put(&mut self, principal: Principal) -> Result<(), String> {
        let policies = (principal.policies.iter().enumerate())
            .map(|(i, text)| policy::parse(text).map_err(|e| format!("Policies[{i}]: {e}")))
            .collect::<Result<_, _>>()?;
        self.by_key
            .insert(principal.access_key_id.clone(), (principal, policies));
        Ok(())
    }

    pub(crate) fn remove(&mut self, access_key_id: &str) -> Option<Principal> {
        self.by_key.remove(access_key_id).map(|(p, _)| p)
    }

    pub(crate) fn list(&self) -> impl Iterator<Item = &Principal> {
        self.by_key.values().map(|(p, _)| p)
    }

    fn get(&self, access_key_id: &str) -> Option<&(Principal, Vec<Policy>)> {
        self.by_key.get(access_key_id)
    }
}

/// What decided one authorization: the effect and, unless nothing applied, the statement
/// (policy and statement index, from 0).
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    decision: AccessDecision,
    statement: Option<(usize, usize, Option<String>)>,
}

/// Explicit deny over allow, default deny.
fn decide(
    policies: &[Policy],
    auth: &Authorization,
    variables: &BTreeMap<String, String>,
) -> Verdict {
    let applying = || {
        policies.iter().enumerate().flat_map(|(p, policy)| {
            (policy.statements.iter().enumerate())
                .filter(|(_, s)| s.applies(auth, variables))
                .map(move |(s, statement)| (p, s, statement))
        })
    };
    let found = |decision, (p, s, statement): (usize, usize, &policy::Statement)| Verdict {
        decision,
        statement: Some((p, s, statement.sid.clone())),
    };
    if let Some(deny) = applying().find(|(_, _, s)| !s.allow) {
        return found(AccessDecision::ExplicitDeny, deny);
    }
    match applying().find(|(_, _, s)| s.allow) {
        Some(allow) => found(AccessDecision::Allowed, allow),
        None => Verdict {
            decision: AccessDecision::ImplicitDeny,
            statement: None,
        },
    }
}

impl Engine {
    /// Serves a request sent as the principal with `access_key_id` (see the module): it is
    /// authorized first when that key names a principal.
    pub fn dispatch_as(
        &mut self,
        source: &str,
        access_key_id: Option<&str>,
        operation: &str,
        request: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        self.run_due();
        self.logged(source, operation, request, |engine| {
            if let Some(key) = access_key_id {
                engine.authorize(key, operation, request)?;
            }
            crate::dispatch::dispatch(engine, operation, request)
        })
    }

    /// Refuses the request unless the principal with `access_key_id` (if it is one) may
    /// send it.
    pub(crate) fn authorize(
        &self,
        access_key_id: &str,
        operation: &str,
        request: &[u8],
    ) -> Result<(), DynamoError> {
        if operation.starts_with("Dynoscope_") || self.principals.get(access_key_id).is_none() {
            return Ok(());
        }
        let explanation = self.explain(access_key_id, operation, request);
        match (explanation.authorizations.iter()).find(|a| a.decision != AccessDecision::Allowed) {
            Some(denied) => Err(self.access_denied(access_key_id, denied)),
            None => Ok(()),
        }
    }

    /// How the principal with `access_key_id` would be judged sending `operation` with
    /// `request`.
    pub(crate) fn explain(
        &self,
        access_key_id: &str,
        operation: &str,
        request: &[u8],
    ) -> AccessExplanation {
        let Some((principal, policies)) = self.principals.get(access_key_id) else {
            return AccessExplanation {
                principal: None,
                decision: AccessDecision::Administrator,
                authorizations: Vec::new(),
            };
        };
        let request: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
        let mut variables = principal.variables.clone();
        variables.insert("aws:username".into(), principal.name.clone());
        variables.insert("aws:userid".into(), principal.access_key_id.clone());
        let authorizations: Vec<AuthorizationView> =
            context::authorizations(self, operation, &request)
                .into_iter()
                .map(|auth| {
                    let verdict = decide(policies, &auth, &variables);
                    let (policy, statement, sid) = match verdict.statement {
                        Some((p, s, sid)) => (Some(p), Some(s), sid),
                        None => (None, None, None),
                    };
                    AuthorizationView {
                        action: auth.action,
                        resource: auth.resource,
                        context_keys: auth.keys,
                        decision: verdict.decision,
                        policy,
                        statement,
                        sid,
                    }
                })
                .collect();
        let decision = (authorizations.iter())
            .map(|a| a.decision)
            .find(|d| *d != AccessDecision::Allowed)
            .unwrap_or(AccessDecision::Allowed);
        AccessExplanation {
            principal: Some(self.user_arn(&principal.name)),
            decision,
            authorizations,
        }
    }

    fn user_arn(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:user/{name}", self.config.account_id)
    }

    fn access_denied(&self, access_key_id: &str, denied: &AuthorizationView) -> DynamoError {
        let name = self
            .principals
            .get(access_key_id)
            .map_or("", |(p, _)| p.name.as_str());
        let (action, resource) = (&denied.action, &denied.resource);
        let why = match denied.decision {
            AccessDecision::ExplicitDeny => {
                "with an explicit deny in an identity-based policy".to_owned()
            }
            _ => format!("because no identity-based policy allows the {action} action"),
        };
        DynamoError::new(
            ErrorKind::AccessDeniedException,
            format!(
                "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
                self.user_arn(name)
            ),
        )
    }

    /// Records a principal as the setting that keeps it (`None` removes it).
    pub(crate) fn record_principal(&mut self, access_key_id: &str, principal: Option<&Principal>) {
        let value =
            principal.map(|p| serde_json::to_string(p).expect("a principal always serialises"));
        self.record(|| crate::persist::Change::PutSetting {
            name: format!("{SETTING_PREFIX}{access_key_id}"),
            value,
        });
    }

    /// Puts back a principal kept as a setting (one that no longer reads is skipped).
    pub(crate) fn restore_principal(&mut self, value: &str) {
        if let Ok(principal) = serde_json::from_str::<Principal>(value) {
            let _ = self.principals.put(principal);
        }
    }
}
