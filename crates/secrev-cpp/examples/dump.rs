fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(&path).unwrap();
    let lang = if path.ends_with(".c") {
        secrev_ir::Language::C
    } else {
        secrev_ir::Language::Cpp
    };
    let l = secrev_cpp::lower(&src, lang);
    for f in &l.unit.functions {
        println!("== {} {:?}", f.qualname, f.kind);
        for loc in &f.locals {
            println!(
                "  local {} ty={} ptr={} arr={:?} static={}",
                loc.name,
                loc.ty,
                loc.pointers,
                loc.array_len
                    .as_ref()
                    .map(|v| format!("{:?}", v.kind).chars().take(40).collect::<String>()),
                loc.is_static
            );
        }
        for (i, b) in f.cfg.blocks.iter().enumerate() {
            println!("  B{i}:");
            for s in &b.stmts {
                println!("    {}", fmt_stmt(s, &src));
            }
            for e in &b.succs {
                println!(
                    "    -> B{} {}",
                    e.to,
                    match &e.kind {
                        secrev_ir::EdgeKind::Branch { cond, taken } => format!(
                            "if {} == {}",
                            &src[cond.span.start as usize..cond.span.end as usize],
                            taken
                        ),
                        k => format!("{:?}", k),
                    }
                );
            }
        }
    }
}
fn fmt_stmt(s: &secrev_ir::Stmt, src: &str) -> String {
    match s {
        secrev_ir::Stmt::Assign { target, value, .. } => format!(
            "{} = {}   [{}]",
            target.path,
            &src[value.span.start as usize..value.span.end as usize],
            kind(value)
        ),
        secrev_ir::Stmt::Eval(v) => format!(
            "eval {}   [{}]",
            &src[v.span.start as usize..v.span.end as usize],
            kind(v)
        ),
        secrev_ir::Stmt::Return { value, .. } => {
            format!("return {:?}", value.as_ref().map(|v| kind(v)))
        }
    }
}
fn kind(v: &secrev_ir::Value) -> String {
    match &v.kind {
        secrev_ir::ValueKind::Call(c) => format!(
            "call {:?} text={} m={:?}",
            c.callee.qualname, c.callee.text, c.callee.method
        ),
        secrev_ir::ValueKind::Operation { op, operands } => format!(
            "op {} [{}]",
            op,
            operands.iter().map(kind).collect::<Vec<_>>().join(", ")
        ),
        secrev_ir::ValueKind::Ref {
            path,
            qualname,
            bound,
            ..
        } => format!("ref {} q={:?} bound={}", path, qualname, bound.is_some()),
        k => format!("{:?}", k).chars().take(30).collect(),
    }
}
