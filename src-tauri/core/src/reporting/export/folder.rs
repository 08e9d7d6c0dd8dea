//! Where an export goes: the target folder's checks (new or empty, its
//! parent there), the hidden temporary folder the files are written into,
//! the rename that puts a finished export in place, and the folder name the
//! core proposes for a scope.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::shop::events;
use crate::{new_id, Error, Result};

/// Check the target before doing any work: it must not exist, or be an
/// empty folder, and its parent must exist.
pub(super) fn check_target(out: &Path) -> Result<()> {
    if out.as_os_str().is_empty() {
        return Err(Error::validation("out", "choose a folder to export to"));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::validation(
                "out",
                format!("{} is a file; choose a new folder", out.display()),
            ));
        }
        let mut entries = fs::read_dir(out)
            .map_err(|e| Error::validation("out", format!("cannot read {}: {e}", out.display())))?;
        if entries.next().is_some() {
            return Err(Error::validation(
                "out",
                format!(
                    "{} is not empty; choose a new or empty folder so nothing is overwritten",
                    out.display()
                ),
            ));
        }
    }
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => Err(Error::validation(
            "out",
            format!("the folder {} does not exist", p.display()),
        )),
        _ => Ok(()),
    }
}

/// The target's own name (`export` when it has none).
pub(super) fn base_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into())
}

/// A new hidden folder beside the target, `.NAME.partial-ID`, to write into.
pub(super) fn create_temporary(out: &Path) -> Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = parent.join(format!(".{}.partial-{}", base_name(out), new_id()));
    fs::create_dir(&temp).map_err(|e| {
        Error::validation(
            "out",
            format!(
                "cannot create a folder in {}: {e}; choose a folder you can write to",
                parent.display()
            ),
        )
    })?;
    Ok(temp)
}

/// Rename the finished temporary folder into place. An empty target folder
/// is replaced; a target that appeared meanwhile is left alone and the
/// export refused. The temporary folder never stays behind.
pub(super) fn move_into_place(temp: &Path, out: &Path) -> Result<()> {
    if out.is_dir() {
        let _ = fs::remove_dir(out);
    }
    if let Err(e) = fs::rename(temp, out) {
        let _ = fs::remove_dir_all(temp);
        return Err(Error::validation(
            "out",
            format!("cannot move the export into {}: {e}", out.display()),
        ));
    }
    Ok(())
}

/// Lower-case ASCII letters, digits and single dashes (accents folded the
/// way search folds them): a name any file system and any shell take as it
/// is.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in crate::text::fold_for_search(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The folder the core proposes for an export inside `parent`:
/// `popup-till-<event name>` for an event, `popup-till-<from>-to-<to>` for a
/// range (as far as its dates are typed yet).
pub fn suggested_folder(
    conn: &Connection,
    parent: &str,
    event_id: Option<&str>,
    from: &str,
    to: &str,
) -> Result<String> {
    let label = match event_id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => format!("popup-till-{}", events::get(conn, id)?.name),
        None => {
            let or = |text: &str, blank: &'static str| {
                let text = text.trim();
                if text.is_empty() {
                    blank.to_string()
                } else {
                    text.to_string()
                }
            };
            format!("popup-till-{}-to-{}", or(from, "from"), or(to, "to"))
        }
    };
    let name = match slug(&label) {
        name if name == "popup-till" => "popup-till-export".to_string(),
        name => name,
    };
    Ok(Path::new(parent.trim()).join(name).display().to_string())
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn a_slug_keeps_letters_and_digits_and_single_dashes() {
        assert_eq!(
            slug("popup-till-Harbour Market!"),
            "popup-till-harbour-market"
        );
        assert_eq!(
            slug("popup-till-2026-12-01-to-2026-12-31"),
            "popup-till-2026-12-01-to-2026-12-31"
        );
        assert_eq!(slug("popup-till-Café «Noël»"), "popup-till-cafe-noel");
        assert_eq!(slug("--a--b--"), "a-b");
    }
}
