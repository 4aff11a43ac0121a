//! The engine on small programs: each test names what it shows. The labelled corpus under
//! `tests/taint/` measures the engine as a whole; these pin single behaviours.

use secrev_taint::{analyze, kinds, Models, ProjectFile};
use std::sync::Arc;

/// Findings as `(kind, line)` for a project of `(module, source)` files.
fn findings(files: &[(&str, &str)]) -> Vec<(&'static str, usize, String)> {
    let models = Models::builtin().expect("models");
    let project: Vec<ProjectFile> = files
        .iter()
        .map(|(module, source)| ProjectFile {
            module: (*module).to_owned(),
            unit: Arc::new(secrev_python::lower(source).unit),
        })
        .collect();
    analyze(&models, &project)
        .hits
        .into_iter()
        .map(|hit| {
            let source = files[hit.site.file as usize].1;
            let line = source[..hit.site.span.start as usize].matches('\n').count() + 1;
            (
                kinds::kind_name(hit.kind),
                line,
                files[hit.site.file as usize].0.to_owned(),
            )
        })
        .collect()
}

fn one(source: &str) -> Vec<(&'static str, usize)> {
    findings(&[("app", source)])
        .into_iter()
        .map(|(k, l, _)| (k, l))
        .collect()
}

#[test]
fn request_data_reaches_a_shell() {
    let src = "\
from flask import request
import subprocess

def ping():
    host = request.args.get('host')
    cmd = 'ping -c 1 ' + host
    subprocess.run(cmd, shell=True)
    subprocess.run(['ping', '-c', '1', host])
";
    assert_eq!(one(src), [("command-injection", 7)]);
}

#[test]
fn sanitizers_overwrites_and_dead_branches_stop_taint() {
    let src = "\
import os, shlex
from flask import request
DEBUG = False

def a():
    name = request.args['n']
    os.system('ls ' + shlex.quote(name))

def b():
    name = request.args['n']
    name = 'fixed'
    os.system('ls ' + name)

def c():
    cmd = 'ls'
    if DEBUG:
        cmd = request.args['n']
    os.system(cmd)

def d():
    cmd = 'ls'
    if 1 > 2:
        cmd = request.args['n']
    os.system(cmd)
";
    assert_eq!(one(src), []);
}

#[test]
fn allow_lists_and_validation_guard_the_sink() {
    let src = "\
import os
from flask import request, abort
ALLOWED = {'a', 'b'}

def a():
    name = request.args['n']
    if name in ALLOWED:
        os.system('ls ' + name)
    os.system('ls ' + name)

def b():
    name = request.args['n']
    if name not in ALLOWED:
        abort(400)
    os.system('ls ' + name)

def c():
    n = request.args['n']
    if not n.isdigit():
        return 'bad'
    os.system('kill ' + n)
";
    assert_eq!(one(src), [("command-injection", 9)]);
}

#[test]
fn taint_crosses_functions_and_files() {
    let helpers = "\
import subprocess

def run_backup(target):
    subprocess.call('tar czf /tmp/b.tgz ' + target, shell=True)

def quoted(value):
    return value.replace(';', '')

def constant():
    return 'x'
";
    let views = "\
from flask import request
from .helpers import run_backup, constant

def backup():
    run_backup(request.form['dir'])

def safe():
    run_backup(constant())
";
    let got = findings(&[("app.helpers", helpers), ("app.views", views)]);
    assert_eq!(got, [("command-injection", 4, "app.helpers".to_owned())]);
}

#[test]
fn return_values_carry_sources_between_functions() {
    let src = "\
import sqlite3
from flask import request

def wanted():
    return request.args.get('name')

def lookup():
    db = sqlite3.connect('x.db')
    db.execute(\"SELECT * FROM t WHERE name = '%s'\" % wanted())
    db.execute('SELECT * FROM t WHERE name = ?', (wanted(),))
";
    assert_eq!(one(src), [("sql-injection", 9)]);
}

#[test]
fn containers_and_attributes_carry_taint() {
    let src = "\
import os
from flask import request

class Job:
    pass

def a():
    parts = ['ls']
    parts.append(request.args['d'])
    os.system(' '.join(parts))

def b():
    job = Job()
    job.path = request.args['p']
    job.name = 'x'
    os.system('rm ' + job.name)
    os.system('rm ' + job.path)

def c():
    opts = {'safe': 'ls', 'user': request.args['c']}
    os.system(opts['safe'])
    os.system(opts['user'])
";
    assert_eq!(
        one(src),
        [
            ("command-injection", 10),
            ("command-injection", 17),
            ("command-injection", 22)
        ]
    );
}

#[test]
fn route_handlers_return_html() {
    let src = "\
from flask import Flask, escape, render_template
app = Flask(__name__)

@app.route('/hello/<name>')
def hello(name):
    return '<h1>Hello ' + name + '</h1>'

@app.route('/safe/<name>')
def safe(name):
    return '<h1>Hello ' + escape(name) + '</h1>'

@app.route('/page/<name>')
def page(name):
    return render_template('page.html', name=name)
";
    assert_eq!(one(src), [("xss", 6)]);
}

#[test]
fn exceptions_reach_handlers() {
    let src = "\
import os
from flask import request

def a():
    cmd = 'true'
    try:
        cmd = request.args['c']
        check(cmd)
    except ValueError:
        os.system(cmd)
";
    assert_eq!(one(src), [("command-injection", 10)]);
}

#[test]
fn a_configured_host_fixes_where_a_request_goes() {
    let src = "\
import requests
from flask import request
API = 'https://api.example.com'
CONF = object()

def a():
    path = request.args['p']
    requests.get(CONF.scheme + '://' + CONF.host + ':8775/' + path)
    requests.get(f'{API}/users/{path}')
    requests.get(path + '/x')
";
    assert_eq!(one(src), [("ssrf", 10)]);
}

#[test]
fn objects_built_from_request_data_carry_it_into_their_methods() {
    let src = "\
import os
from flask import request

class Backup:
    def __init__(self, target):
        self.target = target
        self.tool = 'tar'

    def run(self):
        os.system(self.tool + ' czf /tmp/b.tgz ' + self.target)

def start():
    Backup(request.form['dir']).run()

def scheduled():
    Backup('/srv/data').run()
";
    assert_eq!(one(src), [("command-injection", 10)]);
}

#[test]
fn secrets_reach_only_the_exposure_kinds() {
    let src = "\
import getpass
import logging
import socket
import subprocess

def main(conn):
    pw = getpass.getpass()
    logging.info('pw %s', pw)
    subprocess.run('echo ' + pw, shell=True)
    logging.info('got %s', conn.recv(64).decode())
";
    assert_eq!(
        one(src),
        [("cleartext-secret-logged", 8), ("log-injection", 10)]
    );
}

#[test]
fn values_logged_through_repr_cannot_forge_log_lines() {
    let src = "\
import logging, socket

def main(conn):
    name = conn.recv(64).decode()
    logging.info('name %r', name)
    logging.info('%*d items for %a', 4, 2, name)
    logging.info('name %r, again %s', name, name)
    logging.info('name %(n)r', {'n': name})
";
    assert_eq!(one(src), [("log-injection", 7), ("log-injection", 8)]);
}

#[test]
fn the_runner_of_a_program_chooses_its_paths_and_writes_its_log() {
    let src = "\
import logging, os, sys

BASE = '/var/lib/spool'

def main():
    name = sys.argv[1]
    logging.info('cleaning %s', name)
    open(name).read()
    os.unlink(os.path.join(BASE, name))
    os.unlink(os.path.join(name, 'pidfile'))
";
    assert_eq!(one(src), [("path-injection", 9)]);
}

#[test]
fn elements_of_a_byte_string_are_integers() {
    let src = "\
import logging
import socket

def pump(conn):
    data = conn.recv(64)
    for byte in bytearray(data):
        logging.info('byte %s', byte)
    for char in data.decode():
        logging.info('char %s', char)
";
    assert_eq!(one(src), [("log-injection", 9)]);
}
