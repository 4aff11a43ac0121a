//! Authorization rules: request handlers that do not check what their siblings check, check
//! the wrong thing, check too late or ignore the verdict, load objects without scoping them to
//! the caller or let the caller name an object's owner, and policy defaults that allow
//! everyone. Handlers, siblings and idioms are recognised by `analysis.rs` from the
//! authorization model (`models/authz.toml` in secrev-taint); `project.rs` indexes the whole
//! project's authorizing functions for checks made in another file; `ownership.rs` holds what
//! the object-ownership rules (PY935, PY936, PY938) share.

mod analysis;
mod authorization_after_operation;
mod authorization_result_ignored;
mod body_outside_policy_target;
mod caller_supplied_owner;
mod mismatched_policy;
mod missing_authorization;
mod object_not_scoped;
mod ownership;
mod permissive_policy_default;
pub(crate) mod project;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &missing_authorization::RULE,
    &mismatched_policy::RULE,
    &authorization_after_operation::RULE,
    &authorization_result_ignored::RULE,
    &object_not_scoped::RULE,
    &caller_supplied_owner::RULE,
    &body_outside_policy_target::RULE,
    &permissive_policy_default::RULE,
];
