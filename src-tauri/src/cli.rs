//! The organizer's command line: the same binary without a window. Output
//! meant for scripts has a `--json` form; errors go to stderr with a non-zero
//! exit code.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use popup_till_core::attendees::{contacts, mailing, rights, Channel};
use popup_till_core::catalog::spreadsheet::{self, ImportProgress, ImportReport};
use popup_till_core::reporting::export::{self, ExportOptions};
use popup_till_core::reporting::report;
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::people::Approval;
use popup_till_core::{db::journal, demo, shop::events, tasks, tills, Actor, Error, Store};

/// The folder name under the OS app-data folder (same as the app identifier).
pub const APP_FOLDER: &str = "org.popuptill.app";

#[derive(Debug, Parser)]
#[command(
    name = "popup-till",
    version,
    about = "Popup Till: an offline till for pop-up shops.",
    long_about = "Popup Till: an offline till for pop-up shops.\n\nWithout a command it opens the till window. With a command it works on the till's database without a window."
)]
pub struct Args {
    /// The till database to use (default: the OS app-data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the demo pop-up (a small shop, an event, a few people) into an empty till.
    Demo,
    /// Check that the audit journal holds and that every sale, line, payment,
    /// stock and cash movement agrees with its journal entry; exit 1 naming
    /// the first bad entry and each row that does not match. Warns of
    /// entries stamped more than a minute before the one before them.
    /// With --anchor, also check that a head hash recorded earlier (a Z
    /// report's, an export's) is still in the chain; exit 1 when it is not.
    Verify {
        /// A journal head hash (64 hex characters), or the path of an
        /// export's manifest.json (or its folder) to read it from.
        #[arg(long, value_name = "HASH|FILE")]
        anchor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the database to FILE (safe while the app runs).
    Backup { file: PathBuf },
    /// Make a till for another laptop: write a new till FILE with this
    /// till's catalog, settings, events, task flows and people, under a new
    /// device and till CODE (its receipts are CODE-000001, …).
    CloneTill {
        /// The new till's code, printed on its receipts (1 to 8 letters or digits).
        #[arg(long, value_name = "CODE")]
        code: String,
        file: PathBuf,
    },
    /// Merge another till's FILE into this one: its journal is verified
    /// first; a broken file, another shop's file or a copied till that
    /// diverged is refused with nothing written. Merging the same file
    /// twice changes nothing.
    Merge {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Push the ledgers (sales, lines, payments, refunds, stock and cash
    /// movements, the journal) to a PostgreSQL database: its schema
    /// popup_till is made when missing; rows already there are left as
    /// they are, so pushing again adds only what is new.
    Push {
        /// postgresql://user[:password]@host[:port]/database
        #[arg(long, value_name = "URL")]
        postgres: String,
        #[arg(long)]
        json: bool,
    },
    /// List the tills this file knows (this one and those merged in).
    Tills {
        #[arg(long)]
        json: bool,
    },
    /// List the events: id, name, dates, status.
    Events {
        #[arg(long)]
        json: bool,
    },
    /// Show an event's figures: sales, tax, payments, stock, cash, visitors.
    Report {
        /// The event's id (see `events`).
        #[arg(long, value_name = "ID")]
        event: String,
        /// Count practice sales too.
        #[arg(long)]
        practice: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export an event or a date range as CSV files for the accountant into
    /// a new folder (with datapackage.json and a manifest of SHA-256 hashes).
    Export {
        #[arg(long, value_name = "ID", conflicts_with_all = ["from", "to"], required_unless_present = "from")]
        event: Option<String>,
        /// First local date, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", requires = "to")]
        from: Option<String>,
        /// Last local date, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", requires = "from")]
        to: Option<String>,
        /// The folder to create (must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// `;` between fields and `,` as the decimal mark.
        #[arg(long)]
        semicolon: bool,
        /// Start each file with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
        /// Include practice sales.
        #[arg(long)]
        practice: bool,
        /// Leave out export.xlsx (every table as a sheet of one workbook),
        /// which is written beside the CSV files by default.
        #[arg(long)]
        no_xlsx: bool,
    },
    /// Import the catalog from a CSV FILE: create or update products by SKU.
    /// Prints what would change and every bad row; exits 1 (writing nothing)
    /// when any row is rejected.
    ImportCatalog {
        file: PathBuf,
        /// Check the file and print the preview without writing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write the whole catalog to FILE as CSV, in the format import-catalog reads.
    ExportCatalog { file: PathBuf },
    /// Write a task template (ID from the Tasks screen, or builtin:starter) to FILE as JSON to share.
    ExportTemplate { id: String, file: PathBuf },
    /// Import a task template file another organizer shared.
    ImportTemplate { file: PathBuf },
    /// Write an event's tasks.csv (steps, assignees, signers, times) to FILE.
    TasksCsv {
        #[arg(long)]
        event: String,
        file: PathBuf,
    },
    /// List the contacts (attendees and people who agreed to news): id,
    /// withdrawal code, active consents, name and addresses.
    Contacts {
        #[arg(long)]
        json: bool,
    },
    /// Write the contacts with an active consent for one channel, with the
    /// proof (when, how, wording version), to a new CSV FILE for a mailing.
    ConsentExport {
        #[arg(long, value_parser = ["email", "sms"])]
        channel: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write everything the till holds about one contact to a new JSON FILE
    /// (to answer an access request).
    ContactData {
        /// The contact's id (see `contacts`).
        id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Read a scanned CODE as the till would (a scale label with its check
    /// digits, or a barcode or SKU) and print what the till would add,
    /// without selling: the product, the quantity and the amount (a tare
    /// label: the tare it gives the next refill). Exit 1 when nothing in
    /// the catalog has the code.
    Scan {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Look up a loyalty card by its CODE: whether this shop issued it,
    /// its balance of stamps and its ledger. Exit 1 when the code is not
    /// a genuine card of this shop (a typo, made up, or another shop's).
    Card {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a printable sheet of N new loyalty cards (HTML with the QR
    /// codes as SVG and a print stylesheet) to FILE. Never overwrites.
    CardsSheet {
        #[arg(long, default_value_t = 10)]
        count: usize,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Erase one contact's personal data everywhere (contact, attendee
    /// rows, pre-order contacts with their address); sales and the journal
    /// stay whole.
    EraseContact {
        /// The contact's id (see `contacts`).
        id: String,
    },
}

/// A new file to write; an existing one is never overwritten.
fn create_new(file: &Path) -> Result<std::fs::File, Error> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| Error::validation("file", format!("cannot create {}: {e}", file.display())))
}

/// The head hash `verify --anchor` looks for: the argument itself, or the
/// one recorded in an export's manifest.json (given as the file or its folder).
fn anchor_hash(anchor: &str) -> Result<String, Error> {
    let path = Path::new(anchor);
    let manifest = if path.is_dir() {
        path.join("manifest.json")
    } else if path.is_file() {
        path.to_path_buf()
    } else {
        return journal::parse_hash(anchor);
    };
    let text = std::fs::read_to_string(&manifest).map_err(|e| {
        Error::validation("anchor", format!("cannot read {}: {e}", manifest.display()))
    })?;
    export::manifest_head_hash(&text)
}

pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_FOLDER)
        .join("till.sqlite")
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// What `verify` found, in words: the chain and the ledger on stdout (unless
/// `--json` printed them), what does not hold and the clock's warnings on
/// stderr.
fn tell_verification(v: &journal::Verification, json: bool) {
    match &v.problem {
        None if !json => {
            println!(
                "journal holds: {} entries, head hash {}",
                v.entries, v.head_hash
            );
            if v.devices.len() > 1 {
                for d in &v.devices {
                    println!(
                        "  till {}: {} entries, head hash {}",
                        d.till_code, d.entries, d.head_hash
                    );
                }
            }
        }
        None => {}
        Some(problem) => eprintln!(
            "popup-till: journal does not hold at entry {}: {}",
            problem.seq, problem.message
        ),
    }
    if v.ledger_mismatch_count == 0 {
        if !json {
            let older = if v.ledger_rows_older > 0 {
                format!(
                    " ({} written before entries listed them: checked for their entry)",
                    v.ledger_rows_older
                )
            } else {
                String::new()
            };
            println!(
                "ledger agrees with the journal: {} rows{older}",
                v.ledger_rows
            );
        }
    } else {
        eprintln!(
            "popup-till: {} ledger rows do not match the journal:",
            v.ledger_mismatch_count
        );
        for m in &v.ledger_mismatches {
            eprintln!("  {}", m.message);
        }
        let unlisted = v.ledger_mismatch_count - v.ledger_mismatches.len() as i64;
        if unlisted > 0 {
            eprintln!("  … and {unlisted} more");
        }
    }
    for w in &v.clock_warnings {
        eprintln!("popup-till: warning: {}", w.message);
    }
}

/// Run one command; returns the process exit code.
pub fn run(db: &Path, command: Command) -> i32 {
    match run_inner(db, command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("popup-till: {err}");
            2
        }
    }
}

fn run_inner(db: &Path, command: Command) -> Result<i32, Error> {
    // Commands other than demo work on an existing till only: a typo in
    // --db must not silently create an empty database.
    if !matches!(command, Command::Demo) && !db.exists() {
        return Err(Error::Storage(format!("{} does not exist", db.display())));
    }
    let (mut store, chore) = popup_till_core::open_till(db)?;
    if let Some(err) = chore {
        eprintln!("warning: a start-up chore failed (it runs again next time): {err}");
    }
    match command {
        Command::Demo => {
            let summary = demo::load(&mut store)?;
            println!(
                "Loaded the demo pop-up into {}: {} products, {} people. The organizer's PIN is {}.",
                db.display(),
                summary.products,
                summary.people,
                summary.organizer_pin
            );
            Ok(0)
        }
        Command::Verify { anchor, json } => {
            let (verification, anchor) = match anchor {
                Some(anchor) => {
                    let hash = anchor_hash(&anchor)?;
                    let report = journal::verify_anchor(store.conn(), &hash)?;
                    if json {
                        print_json(&report);
                    }
                    (report.verification, Some(report.anchor))
                }
                None => {
                    let report = journal::verify(store.conn())?;
                    if json {
                        print_json(&report);
                    }
                    (report, None)
                }
            };
            tell_verification(&verification, json);
            if let Some(anchor) = &anchor {
                if anchor.found {
                    if !json {
                        println!("{}", anchor.message);
                    }
                } else {
                    eprintln!("popup-till: {}", anchor.message);
                }
            }
            let anchored = anchor.is_none_or(|a| a.found);
            Ok(if verification.holds() && anchored {
                0
            } else {
                1
            })
        }
        Command::Scan { code, json } => {
            if let Some(tare) = popup_till_core::till::lookup::tare_label(store.conn(), &code)? {
                if json {
                    print_json(&tare);
                } else {
                    println!(
                        "tare label (prefix {}): {} g, the tare of the next refill",
                        tare.prefix, tare.tare
                    );
                }
                return Ok(0);
            }
            let Some(scanned) = popup_till_core::till::lookup::scan(store.conn(), &code)? else {
                eprintln!(
                    "popup-till: nothing in the catalog has the code {}",
                    code.trim()
                );
                return Ok(1);
            };
            if json {
                print_json(&scanned);
            } else {
                let label = match &scanned.label {
                    Some(l) => format!(
                        " (scale label, prefix {}, item code {}, {} {})",
                        l.prefix,
                        l.item_code,
                        l.value,
                        l.measure.as_str()
                    ),
                    None => String::new(),
                };
                println!(
                    "{} {} {} = {}{label}",
                    scanned.product.name, scanned.quantity, scanned.unit, scanned.amount
                );
            }
            Ok(0)
        }
        Command::Card { code, json } => {
            // The command line says only whether a card is linked, never to whom.
            let card = popup_till_core::loyalty::card(
                store.conn(),
                &code,
                popup_till_core::reporting::report::Viewer::Cashier,
            )?;
            if json {
                print_json(&card);
            } else if let (true, Some(id)) = (card.genuine, &card.card) {
                println!(
                    "card {id} ({}): {} stamps, {} entries",
                    card.code,
                    card.balance,
                    card.history.len()
                );
                for e in &card.history {
                    println!("  {} {:>+4} {}", e.at_utc, e.stamps, e.kind);
                }
            }
            if !card.genuine {
                eprintln!(
                    "popup-till: {}",
                    card.refusal.as_deref().unwrap_or("not a card of this shop")
                );
                return Ok(1);
            }
            Ok(0)
        }
        Command::CardsSheet { count, out } => {
            use popup_till_core::loyalty::sheet;
            let mut file = create_new(&out)?;
            let printed = sheet::print(&mut store, &Actor::system("cli"), count)?;
            let html = sheet::html(&printed)?;
            std::io::Write::write_all(&mut file, html.as_bytes())
                .map_err(|e| Error::Storage(format!("cannot write {}: {e}", out.display())))?;
            println!(
                "wrote a sheet of {} new loyalty cards to {}",
                printed.cards.len(),
                out.display()
            );
            Ok(0)
        }
        Command::Backup { file } => {
            store.backup_to(&file)?;
            println!("backed up {} to {}", db.display(), file.display());
            Ok(0)
        }
        Command::CloneTill { code, file } => {
            let made =
                tills::clone::clone_till(&mut store, &Approval::file_holder(), &code, &file)?;
            println!(
                "made till {} for another laptop: {} (its first receipt is {})",
                made.till_code, made.path, made.first_receipt
            );
            Ok(0)
        }
        Command::Merge { file, json } => {
            let report = tills::merge::merge_file(&mut store, &Approval::file_holder(), &file)?;
            if json {
                print_json(&report);
            } else {
                println!("{}", report.message);
                for (table, n) in &report.rows_added {
                    println!("  {table}: {n} rows added");
                }
                for (table, n) in &report.records_updated {
                    println!("  {table}: {n} records took the file's later change");
                }
            }
            Ok(0)
        }
        Command::Push { postgres, json } => {
            let report = tills::push::push(&mut store, &Actor::system("cli"), &postgres)?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "pushed to {}: {} rows sent{}, {} new; head hash {}",
                    report.target,
                    report.rows_sent,
                    report
                        .resumed_after
                        .map(|seq| format!(" (after entry {seq}, the last push's head)"))
                        .unwrap_or_default(),
                    report.rows_new,
                    report.head_hash
                );
            }
            Ok(0)
        }
        Command::Tills { json } => {
            let list = tills::tills(store.conn())?;
            if json {
                print_json(&list);
            } else {
                for t in list {
                    println!(
                        "{:<8}  {}  {} journal entries{}",
                        t.till_code,
                        t.device_id,
                        t.entries,
                        if t.local { "  (this till)" } else { "" }
                    );
                }
            }
            Ok(0)
        }
        Command::Events { json } => {
            let list = events::list(store.conn())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
            } else if list.is_empty() {
                println!("no events yet");
            } else {
                for e in list {
                    println!(
                        "{}  {:<8}  {} – {}  {}",
                        e.id,
                        e.status.as_str(),
                        e.starts_at,
                        e.ends_at,
                        e.name
                    );
                }
            }
            Ok(0)
        }
        Command::ExportTemplate { id, file } => {
            let text = tasks::export_template(store.conn(), &id)?;
            let mut out = create_new(&file)?;
            std::io::Write::write_all(&mut out, text.as_bytes())
                .map_err(|e| Error::Storage(format!("cannot write {}: {e}", file.display())))?;
            println!("wrote the template to {}", file.display());
            Ok(0)
        }
        Command::ImportTemplate { file } => {
            // Look at the size first: a huge file is refused without reading it.
            let size = std::fs::metadata(&file)
                .map_err(|e| {
                    Error::validation("file", format!("cannot read {}: {e}", file.display()))
                })?
                .len();
            tasks::check_file_size(size)?;
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Error::validation("file", format!("cannot read {}: {e}", file.display()))
            })?;
            let template = store.write(&Actor::system("cli"), |tx| {
                tasks::import_template(tx, &text)
            })?;
            println!(
                "imported '{}' ({} steps) as {}",
                template.name,
                template.steps.len(),
                template.id
            );
            Ok(0)
        }
        Command::TasksCsv { event, file } => {
            events::get(store.conn(), &event)?;
            let out = create_new(&file)?;
            tasks::write_csv(store.conn(), &event, tasks::PersonalData::Included, out)?;
            println!("wrote {}", file.display());
            Ok(0)
        }
        Command::ImportCatalog {
            file,
            dry_run,
            json,
        } => import_catalog(&mut store, &file, dry_run, json),
        Command::Contacts { json } => {
            let list = contacts::list(store.conn(), "")?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                );
            } else if list.is_empty() {
                println!("no contacts");
            } else {
                for c in list {
                    let consents = match (c.email_consent, c.sms_consent) {
                        (true, true) => "email+sms",
                        (true, false) => "email",
                        (false, true) => "sms",
                        (false, false) => "-",
                    };
                    println!(
                        "{}  {}  {:<9}  {}  {}  {}",
                        c.id,
                        c.code.as_deref().unwrap_or("-"),
                        consents,
                        if c.name.is_empty() {
                            "(no name)"
                        } else {
                            &c.name
                        },
                        c.email,
                        c.phone
                    );
                }
            }
            Ok(0)
        }
        Command::ConsentExport { channel, out } => {
            let done = mailing::export_file(
                &mut store,
                &Actor::system("cli"),
                &Approval::file_holder(),
                Channel::parse(&channel)?,
                &out,
            )?;
            println!(
                "exported {} contacts who agreed to news by {} to {} (sha256 {})",
                done.count,
                done.channel.label(),
                done.path,
                done.sha256
            );
            Ok(0)
        }
        Command::ContactData { id, out } => {
            let path = rights::write_contact_data(&mut store, &Actor::system("cli"), &id, &out)?;
            println!("wrote contact {id}'s data to {}", path.display());
            Ok(0)
        }
        Command::EraseContact { id } => {
            let erased = rights::erase_as(
                &mut store,
                &Actor::system("cli"),
                &Approval::file_holder(),
                &id,
            )?;
            println!(
                "erased contact {id}: {} attendee rows, {} pre-order contacts, {} consents ended",
                erased.attendee_rows, erased.order_contacts, erased.consents_ended
            );
            Ok(0)
        }
        Command::ExportCatalog { file } => {
            let text = spreadsheet::export(store.conn())?;
            // Never overwrite: a slip of the tab key could name the database.
            let mut out = create_new(&file)?;
            std::io::Write::write_all(&mut out, text.as_bytes())
                .map_err(|e| Error::Storage(format!("cannot write {}: {e}", file.display())))?;
            println!("exported the catalog to {}", file.display());
            Ok(0)
        }
        Command::Report {
            event,
            practice,
            json,
        } => {
            let report = report::report(store.conn(), &Scope::Event(event), practice)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", report_text(&report));
            }
            Ok(0)
        }
        Command::Export {
            event,
            from,
            to,
            out,
            semicolon,
            bom,
            practice,
            no_xlsx,
        } => {
            let scope = match (event, from, to) {
                (Some(id), _, _) => Scope::Event(id),
                (None, Some(from), Some(to)) => Scope::range(&from, &to)?,
                _ => {
                    return Err(Error::validation(
                        "event",
                        "give --event ID or --from DATE --to DATE",
                    ))
                }
            };
            let opts = ExportOptions {
                scope,
                out,
                semicolon,
                bom,
                include_practice: practice,
                xlsx: !no_xlsx,
            };
            let result = export::export(
                &mut store,
                &Actor::system("cli"),
                &Approval::file_holder(),
                &opts,
                &mut |p| {
                    if p.rows_total >= 100_000 && p.rows_done > 0 {
                        eprintln!("{}: {} of {} rows", p.file, p.rows_done, p.rows_total);
                    }
                    true
                },
            )?;
            println!(
                "exported {} sales (total {}) to {}",
                result.sales, result.total, result.folder
            );
            for f in &result.files {
                println!(
                    "  {:<22} {:>10} bytes  sha256 {}",
                    f.path, f.bytes, f.sha256
                );
            }
            println!("journal head hash {}", result.journal_head_hash);
            Ok(0)
        }
    }
}

fn import_catalog(store: &mut Store, file: &Path, dry_run: bool, json: bool) -> Result<i32, Error> {
    let bytes = std::fs::read(file)
        .map_err(|e| Error::Storage(format!("cannot read {}: {e}", file.display())))?;
    let text = match spreadsheet::read_file(&bytes) {
        Ok(text) => text,
        Err(bad) => {
            eprintln!("popup-till: {}: {bad}", file.display());
            return Ok(1);
        }
    };
    // Progress on a terminal only, so scripts and logs stay clean.
    let show_progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !json;
    let mut progress = |p: ImportProgress| {
        if show_progress && p.total > 0 {
            eprint!("\r{} {}%   ", p.phase, p.done * 100 / p.total);
        }
    };
    let report = if dry_run {
        spreadsheet::preview(store.conn(), &text, &mut progress)?
    } else {
        spreadsheet::import(
            store,
            &Actor::system("cli"),
            &Approval::file_holder(),
            &text,
            &mut progress,
        )?
    };
    if show_progress {
        eprintln!();
    }
    print_import_report(file, &report, dry_run, json);
    Ok(if report.errors.is_empty() { 0 } else { 1 })
}

fn print_import_report(file: &Path, report: &ImportReport, dry_run: bool, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
        return;
    }
    println!(
        "{}: {} rows: {} new, {} changed, {} unchanged, {} rejected",
        file.display(),
        report.rows,
        report.new,
        report.changed,
        report.unchanged,
        report.rejected
    );
    if !report.ignored_columns.is_empty() {
        println!("columns left alone: {}", report.ignored_columns.join(", "));
    }
    for err in &report.errors {
        eprintln!("{}: {err}", file.display());
    }
    if !report.errors.is_empty() {
        eprintln!("popup-till: nothing was written: fix the rows above and import again");
    } else if dry_run {
        println!("dry run: nothing was written");
    } else {
        println!("imported");
    }
}

/// The report as plain text for a terminal.
fn report_text(r: &report::EventReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let cur = &r.currency;
    let s = &r.sales;
    if let Some(e) = &r.event {
        let _ = writeln!(out, "{} ({} – {})", e.name, e.starts_at, e.ends_at);
    }
    let _ = writeln!(out, "sales              {}", s.sales_count);
    let _ = writeln!(out, "before discounts   {} {cur}", s.before_discounts.text);
    let _ = writeln!(out, "discounts          {} {cur}", s.discounts.text);
    let _ = writeln!(out, "net (excl. tax)    {} {cur}", s.net.text);
    let _ = writeln!(out, "tax                {} {cur}", s.tax.text);
    let _ = writeln!(out, "gross (net + tax)  {} {cur}", s.gross.text);
    let _ = writeln!(out, "rounding           {} {cur}", s.rounding.text);
    let _ = writeln!(out, "total taken        {} {cur}", s.total.text);
    let _ = writeln!(
        out,
        "voids              {} ({} {cur})",
        s.voids.count, s.voids.total.text
    );
    let _ = writeln!(out, "items              {}", s.items);
    let _ = writeln!(out, "average basket     {} {cur}", s.average_basket.text);
    for t in &s.tax_by_rate {
        let _ = writeln!(
            out,
            "tax {:>6} %       net {} tax {} gross {}",
            t.rate, t.net.text, t.tax.text, t.gross.text
        );
    }
    for p in &s.payments {
        let _ = writeln!(
            out,
            "paid {:<13} {} × {} {cur}",
            p.method, p.count, p.amount.text
        );
    }
    let f = &s.refunds;
    let _ = writeln!(
        out,
        "refunds            {} ({} {cur}; {} without a receipt, {} exchanges)",
        f.count, f.total.text, f.without_receipt, f.exchanges
    );
    for t in &f.tax_by_rate {
        let _ = writeln!(
            out,
            "refund tax {:>6} % net {} tax {} gross {}",
            t.rate, t.net.text, t.tax.text, t.gross.text
        );
    }
    for p in &f.payments {
        let _ = writeln!(
            out,
            "paid back {:<8} {} × {} {cur}",
            p.method, p.count, p.amount.text
        );
    }
    let _ = writeln!(out, "takings (net)      {} {cur}", s.takings.text);
    let _ = writeln!(
        out,
        "cash               expected {} counted {} variance {}",
        r.cash.expected.text, r.cash.counted.text, r.cash.variance.text
    );
    let x = &r.reuse;
    let _ = writeln!(
        out,
        "refills            {} ({} into own containers, {} into shop containers; {} packs avoided)",
        x.refills_sold, x.refills_own_container, x.refills_shop_container, x.packs_avoided
    );
    let _ = writeln!(
        out,
        "shop containers    {} issued, {} returned (return rate {})",
        x.containers_issued,
        x.containers_returned,
        x.deposit_return_rate
            .as_deref()
            .map_or("–".to_string(), |r| format!("{r} %"))
    );
    let _ = writeln!(
        out,
        "visitors           {} (conversion {})",
        r.visitors,
        r.conversion
            .as_deref()
            .map(|c| format!("{c} %"))
            .unwrap_or_else(|| "–".into())
    );
    out
}
