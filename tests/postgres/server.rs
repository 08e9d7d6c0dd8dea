//! A private PostgreSQL server for the test run: `initdb` into a temporary
//! folder and `pg_ctl` on a free local port, stopped and removed when the
//! test ends. PostgreSQL refuses to run as root, so as root the server
//! runs as the unprivileged user `nobody`. It never skips: when the
//! server cannot start, the test fails and says why.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_nobody: bool,
    pub url: String,
}

/// `initdb`/`pg_ctl` on the PATH, else in Debian's versioned folder.
fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("sh")
        .args(["-c", "command -v pg_ctl"])
        .output()
    {
        let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() && !found.is_empty() && Path::new(&found).exists() {
            // Debian's /usr/bin/pg_ctl is a wrapper: prefer the real one.
            let real = std::fs::canonicalize(&found).unwrap_or_else(|_| PathBuf::from(&found));
            if real.parent().is_some_and(|p| p.join("initdb").exists()) {
                return real.parent().unwrap().to_path_buf();
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versions.retain(|p| p.join("initdb").exists() && p.join("pg_ctl").exists());
    versions.sort();
    versions.pop().unwrap_or_else(|| {
        panic!("PostgreSQL's initdb and pg_ctl were not found (install the postgresql package: scripts/ensure-deps.sh test)")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

impl Server {
    pub fn start() -> Server {
        let bin = bin_dir();
        let dir = tempfile::tempdir().expect("a folder for the server");
        let as_nobody = is_root();
        if as_nobody {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
                .expect("open the server's folder to nobody");
        }
        let mut server = Server {
            bin,
            as_nobody,
            url: String::new(),
            dir,
        };
        let data = server.dir.path().join("data");
        let out = server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let log = server.dir.path().join("server.log");
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            server.dir.path().display()
        );
        let out = server.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "the PostgreSQL server did not start: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        server.url = format!("postgresql://postgres@127.0.0.1:{port}/postgres");
        server
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut cmd = if self.as_nobody {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        // A working folder the server's user may read.
        cmd.args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", program.display()))
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}
