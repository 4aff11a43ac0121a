//! A pattern rule's finding on a call gives way to the taint rule's on the same call only when
//! the taint rule runs: selected alone, the pattern rule still reports it.

use secrev_ir::Language;
use secrev_rules::{check_unit, registry};

const SOURCE: &str = r#"
#include <stdlib.h>
#include <sys/socket.h>

static int print_file(const char *queue)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "lpr -P %s", queue);
    return system(cmd);
}

void handle_client(int fd)
{
    char req[128];
    recv(fd, req, sizeof req - 1, 0);
    print_file(req);
}
"#;

fn ids(selected: &[&str]) -> Vec<&'static str> {
    let rules: Vec<_> = selected
        .iter()
        .map(|id| registry::find(id).expect("known rule"))
        .collect();
    let unit = secrev_cpp::lower(SOURCE, Language::C).unit;
    let mut ids: Vec<_> = check_unit(&rules, &unit, SOURCE, "spool.c")
        .iter()
        .map(|h| h.rule.info.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_taint_finding_replaces_the_pattern_finding_on_the_same_call() {
    assert_eq!(ids(&["C501"]), ["C501"]);
    assert_eq!(ids(&["C601"]), ["C601"]);
    assert_eq!(ids(&["C501", "C601"]), ["C601"]);
}
