//! Injection: command, code and query strings built from data.

mod asyncio_shell;
mod common;
mod django_raw_sql;
mod eval_injection;
mod exec_injection;
mod os_exec_shell;
mod os_system;
mod partial_path;
mod process;
mod sql_string_built;
mod sqlalchemy_text;
mod ssh_command;
mod subprocess_shell;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &subprocess_shell::RULE,
    &os_system::RULE,
    &os_exec_shell::RULE,
    &asyncio_shell::RULE,
    &partial_path::RULE,
    &eval_injection::RULE,
    &exec_injection::RULE,
    &sql_string_built::RULE,
    &django_raw_sql::RULE,
    &sqlalchemy_text::RULE,
    &ssh_command::RULE,
];
