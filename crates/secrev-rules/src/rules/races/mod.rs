//! Race rules: decisions taken on a state another thread or process can change before the
//! decision is acted on.

mod check_then_fail;
mod check_then_use;
mod lock_not_released;
mod locks;
mod unsynchronized_shared_state;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &check_then_use::RULE,
    &lock_not_released::RULE,
    &check_then_fail::RULE,
    &unsynchronized_shared_state::RULE,
];
