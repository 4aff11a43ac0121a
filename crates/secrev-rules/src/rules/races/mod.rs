//! Race rules: decisions taken on a state another thread or process can change before the
//! decision is acted on.

mod check_then_use;
mod lock_not_released;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&check_then_use::RULE, &lock_not_released::RULE];
