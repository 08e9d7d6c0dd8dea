//! Small rules about user text shared by every area: trimming, length limits,
//! and the accent-free lower-case form that search matches against.

use crate::{Error, Result};

/// Trim `value`; refuse it when empty (if `required`) or longer than `max`
/// characters, naming `field`.
pub fn clean(field: &str, value: &str, required: bool, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    let count = trimmed.chars().count();
    if count > max {
        return Err(Error::validation(
            field,
            format!("is {count} characters long; at most {max} are allowed"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::validation(field, "contains control characters"));
    }
    Ok(trimmed.to_string())
}

/// Lower-case and strip the common Latin accents so that "creme" finds
/// "Crème" and "ANGSTROM" finds "Ångström".
pub fn fold_for_search(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' | 'ĉ' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ğ' | 'ġ' | 'ģ' => 'g',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
            'ķ' => 'k',
            'ł' | 'ľ' | 'ļ' | 'ĺ' => 'l',
            'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ŕ' | 'ř' => 'r',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ť' | 'ţ' | 'ț' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect::<String>()
        .replace('ß', "ss")
        .replace('æ', "ae")
        .replace('œ', "oe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold_for_search("Crème Brûlée"), "creme brulee");
        assert_eq!(fold_for_search("STRASSE Straße"), "strasse strasse");
    }

    #[test]
    fn clean_names_the_field_when_empty_or_too_long() {
        let err = clean("name", "   ", true, 10).unwrap_err();
        assert_eq!(err.to_string(), "Name: must not be empty");
        let err = clean("venue", "abcdefghijk", false, 10).unwrap_err();
        assert!(err.to_string().starts_with("Venue: is 11 characters long"));
    }
}
