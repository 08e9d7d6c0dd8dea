//! A sheet of new cards to print: each card's code and its QR code (the
//! grouped code, which a scanner types into the till's scan field). The
//! window draws the QR from its modules; the command line writes the sheet
//! as an HTML page with the QR codes as inline SVG and a print stylesheet.
//! Printing a sheet writes no card: a card exists once its code is used.

use qrcode::{Color, EcLevel, QrCode};
use serde::Serialize;

use crate::{Actor, Error, Result, Store};

/// One card of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardOnSheet {
    pub code: String,
    /// The QR code's modules, a row per string, `1` dark and `0` light
    /// (no quiet zone).
    pub qr: Vec<String>,
}

/// A sheet of new cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardSheet {
    pub shop_name: String,
    pub cards: Vec<CardOnSheet>,
}

fn qr_of(code: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M)
        .map_err(|e| Error::Integrity(format!("a QR code for {code} cannot be made: {e}")))
}

/// The modules of `code`'s QR code.
pub fn modules(code: &str) -> Result<Vec<String>> {
    let qr = qr_of(code)?;
    let width = qr.width();
    Ok(qr
        .to_colors()
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|c| if *c == Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect())
}

/// `code`'s QR code as an SVG element.
pub fn svg(code: &str) -> Result<String> {
    let svg = qr_of(code)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(140, 140)
        .quiet_zone(true)
        .build();
    // The renderer opens with an XML declaration: an inline SVG needs none.
    Ok(match svg.find("<svg") {
        Some(at) => svg[at..].to_string(),
        None => svg,
    })
}

/// A sheet of `count` new cards; the journal records that it was printed
/// and how many (not the codes).
pub fn print(store: &mut Store, actor: &Actor, count: usize) -> Result<CardSheet> {
    let codes = super::new_cards(store.conn(), count)?;
    let shop_name = crate::shop::settings::load(store.conn())?.shop_name;
    let cards = codes
        .into_iter()
        .map(|code| {
            Ok(CardOnSheet {
                qr: modules(&code)?,
                code,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    store.write(actor, |tx| {
        tx.journal(
            "loyalty.cards_printed",
            "loyalty_card",
            "sheet",
            serde_json::json!({"count": cards.len()}),
        )
    })?;
    Ok(CardSheet { shop_name, cards })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sheet as a printable HTML page: cards of 85 × 54 mm, ten to an A4
/// page, each with its QR code (SVG) and its code in type.
pub fn html(sheet: &CardSheet) -> Result<String> {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Loyalty cards</title>\n<style>\n\
body { font-family: sans-serif; margin: 0; }\n\
.sheet { display: flex; flex-wrap: wrap; gap: 4mm; padding: 10mm; }\n\
.card { width: 85mm; height: 54mm; box-sizing: border-box; border: 0.3mm dashed #999; padding: 4mm;\n\
  display: flex; align-items: center; gap: 4mm; break-inside: avoid; page-break-inside: avoid; }\n\
.card svg { width: 36mm; height: 36mm; flex: none; }\n\
.shop { font-size: 11pt; font-weight: bold; }\n\
.code { font-family: monospace; font-size: 13pt; letter-spacing: 0.5mm; margin-top: 3mm; }\n\
.hint { font-size: 8pt; color: #444; margin-top: 2mm; }\n\
@page { size: A4; margin: 0; }\n\
@media print { .card { border-color: #ccc; } }\n\
</style></head><body><div class=\"sheet\">\n",
    );
    for card in &sheet.cards {
        out.push_str(&format!(
            "<div class=\"card\">{}<div><div class=\"shop\">{}</div><div class=\"code\">{}</div>\
<div class=\"hint\">Show this card at the till to collect stamps. No name needed.</div></div></div>\n",
            svg(&card.code)?,
            escape(&sheet.shop_name),
            escape(&card.code)
        ));
    }
    out.push_str("</div></body></html>\n");
    Ok(out)
}
