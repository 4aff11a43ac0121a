//! What the C/C++ front-end puts into the representation.

use secrev_ir::{Function, Language, Op, Stmt, Unit, ValueKind};

fn lower(source: &str, language: Language) -> Unit {
    let lowered = secrev_cpp::lower(source, language);
    assert!(
        lowered.syntax_errors.is_empty(),
        "{:?}",
        lowered.syntax_errors
    );
    lowered.unit
}

fn function<'u>(unit: &'u Unit, qualname: &str) -> &'u Function {
    unit.functions
        .iter()
        .find(|f| f.qualname == qualname)
        .unwrap_or_else(|| {
            let names: Vec<_> = unit.functions.iter().map(|f| &f.qualname).collect();
            panic!("no {qualname} in {names:?}")
        })
}

fn calls(function: &Function) -> Vec<String> {
    function
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(call) => Some(call.qualname().to_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn buffers_written_by_sprintf_hold_the_built_string() {
    let unit = lower(
        r#"
#include <stdio.h>
#define BUFSIZE 64
static const char *TOOL = "/usr/bin/tar";
int run(const char *name) {
    char cmd[BUFSIZE];
    snprintf(cmd, sizeof(cmd), "%s -xf %s", TOOL, name);
    return system(cmd);
}
"#,
        Language::C,
    );
    let run = function(&unit, "run");
    assert_eq!(calls(run), ["snprintf", "system"]);
    let cmd = run.local("cmd").expect("cmd declared");
    assert_eq!(cmd.array_len.as_ref().and_then(|v| v.as_int()), Some(64));
    let Some(Op::Call(system)) = run.ops.get(1) else {
        panic!("no system call")
    };
    assert_eq!(
        system.args[0].template().as_deref(),
        Some("/usr/bin/tar -xf {}")
    );
    assert!(run.params.iter().any(|p| p.name == "name"));
}

#[test]
fn member_calls_take_the_declared_class_and_strings_are_built() {
    let unit = lower(
        r#"
class Store {
public:
    void remove(const QString &name);
private:
    QProcess *m_proc;
    void audit();
};
void Store::remove(const QString &name) {
    QSqlQuery query(m_db);
    QString sql = "DELETE FROM items WHERE name='" + name + "'";
    query.exec(sql);
    QString other = QString("SELECT %1 FROM t").arg(name);
    std::unique_ptr<QProcess> p(new QProcess);
    p->start(other);
    m_proc->start(sql);
    audit();
    auto cb = [&](int x) { query.exec(sql); };
}
"#,
        Language::Cpp,
    );
    let remove = function(&unit, "Store::remove");
    assert_eq!(remove.kind, secrev_ir::FunctionKind::Method);
    let names = calls(remove);
    for expected in [
        "QSqlQuery",
        "QSqlQuery::exec",
        "QProcess::start",
        "Store::audit",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let templates: Vec<String> = remove
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Call(c)
                if c.qualname() == "QSqlQuery::exec" || c.qualname() == "QProcess::start" =>
            {
                c.args.first().and_then(|a| a.template())
            }
            _ => None,
        })
        .collect();
    assert!(templates.contains(&"DELETE FROM items WHERE name='{}'".to_owned()));
    assert!(templates.contains(&"SELECT {} FROM t".to_owned()));
    let lambda = function(&unit, "Store::remove::<lambda>");
    assert_eq!(calls(lambda), ["QSqlQuery::exec"]);
}

#[test]
fn graphs_have_goto_switch_try_and_scope_exits() {
    let unit = lower(
        r#"
int parse(int fd, int kind) {
    std::lock_guard<std::mutex> guard(m);
    char *buf = (char *)malloc(64);
    if (!buf)
        return -1;
    switch (kind) {
    case 1: read(fd, buf, 64); break;
    default: goto fail;
    }
    try { process(buf); } catch (const std::exception &e) { log(e.what()); } catch (...) { }
    free(buf);
    return 0;
fail:
    free(buf);
    return -2;
}
"#,
        Language::Cpp,
    );
    let parse = function(&unit, "parse");
    let returns = parse
        .cfg
        .blocks
        .iter()
        .flat_map(|b| &b.stmts)
        .filter(|s| matches!(s, Stmt::Return { .. }))
        .count();
    assert_eq!(returns, 3);
    // The guard is destroyed before each of the three returns.
    let destructors = parse
        .cfg
        .blocks
        .iter()
        .flat_map(|b| &b.stmts)
        .filter(|s| match s {
            Stmt::Eval(v) => matches!(&v.kind, ValueKind::Call(c) if c.qualname() == "std::lock_guard::~lock_guard"),
            _ => false,
        })
        .count();
    assert!(destructors >= 3, "{destructors}");
    let handlers = parse
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Handler(_)))
        .count();
    assert_eq!(handlers, 2);
    // Every block but the exit is reachable or an unreachable leftover of a jump; the label
    // block is reached from the `goto`.
    assert!(parse.cfg.reverse_postorder().len() > 8);
}

#[test]
fn broken_code_still_lowers_what_parses() {
    let lowered = secrev_cpp::lower(
        "void f(const char *s) {\n    char b[8];\n    UNKNOWN_MACRO(x y z) +;\n    strcpy(b, s);\n}\n",
        Language::C,
    );
    assert!(!lowered.syntax_errors.is_empty());
    let f = function(&lowered.unit, "f");
    assert!(calls(f).iter().any(|c| c == "strcpy"));
}
