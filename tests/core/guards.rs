//! Guards where data would change unseen: a tax rate products use cannot
//! be removed, the currency cannot change once anything was sold, the
//! locale is one the till knows; a count is previewed (its differences, and
//! whether it records a loss) before it is saved; the catalog preview lists
//! what each product gets and every problem of a bad row; the People,
//! Settings and Export screens ask a cashier for an organizer's PIN; a card
//! sale gives no change to show; a conversion above 100 % is flagged.

use popup_till_core::catalog::spreadsheet;
use popup_till_core::reporting::{report, scope::Scope, visitors};
use popup_till_core::shop::at_till;
use popup_till_core::shop::people::{Approval, ApprovalRequest};
use popup_till_core::shop::roles;
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::stock::flows::{self, CountInput, CountLine};
use popup_till_core::stock::tally;
use popup_till_core::stock::Location;
use popup_till_core::{Actor, ErrorCode};

use crate::till_support::{card, cart, cash, line, shop, Shop, CASHIER_PIN, PIN};

/// Save the settings in force with one change, approved by the organizer.
fn save(
    s: &mut Shop,
    change: impl FnOnce(&mut SettingsInput),
) -> popup_till_core::Result<settings::Settings> {
    let mut input = SettingsInput::from_settings(&settings::load(s.t.store.conn()).unwrap());
    change(&mut input);
    let organizer = s.organizer.clone();
    settings::save_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &input,
    )
}

#[test]
fn a_tax_rate_products_use_cannot_be_removed_and_nothing_is_written() {
    let mut s = shop();
    let journal = s.t.journal_len();
    let tries = s.t.count("SELECT count(*) FROM pin_attempt");
    let err = save(&mut s, |i| i.tax_rates = "0; 20".into()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("tax_rates"));
    let text = err.to_string();
    assert!(text.contains("5.5%"), "{text}");
    assert!(
        text.contains("2 products") && text.contains("Coffee beans") && text.contains("Plum jam"),
        "{text}"
    );
    assert_eq!(s.t.journal_len(), journal, "nothing is written");
    assert_eq!(
        s.t.count("SELECT count(*) FROM pin_attempt"),
        tries,
        "no PIN try is spent on a refused change"
    );
    assert_eq!(settings::load(s.t.store.conn()).unwrap().tax_rates.len(), 3);
    // A rate nobody uses goes; a new one comes.
    let saved = save(&mut s, |i| i.tax_rates = "5.5; 20; 7".into()).unwrap();
    assert_eq!(saved.tax_rates.len(), 3);
    assert!(!saved.tax_rates.contains(&rust_decimal::Decimal::ZERO));
}

#[test]
fn the_currency_changes_before_the_first_sale_and_never_after() {
    let mut s = shop();
    // Nothing sold yet: the shop may still switch.
    let saved = save(&mut s, |i| i.currency = "GBP".into()).unwrap();
    assert_eq!(saved.currency.code, "GBP");
    s.open_session("50", false);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let journal = s.t.journal_len();
    let err = save(&mut s, |i| i.currency = "EUR".into()).unwrap_err();
    assert_eq!(err.field(), Some("currency"));
    assert!(err.to_string().contains("stays GBP"), "{err}");
    assert_eq!(s.t.journal_len(), journal);
    // Everything else still changes.
    let renamed = save(&mut s, |i| i.shop_name = "Renamed stall".into()).unwrap();
    assert_eq!(renamed.currency.code, "GBP");
}

#[test]
fn the_locale_is_one_the_till_knows_and_english_uk_by_default() {
    let mut s = shop();
    assert_eq!(settings::load(s.t.store.conn()).unwrap().locale, "en-GB");
    let saved = save(&mut s, |i| i.locale = "de-DE".into()).unwrap();
    assert_eq!(saved.locale, "de-DE");
    assert_eq!(settings::load(s.t.store.conn()).unwrap().locale, "de-DE");
    let err = save(&mut s, |i| i.locale = "xx-YY".into()).unwrap_err();
    assert_eq!(err.field(), Some("locale"));
    assert!(err.to_string().contains("'xx-YY'"), "{err}");
}

fn count_of(lines: &[(&str, &str)]) -> CountInput {
    CountInput {
        location: Some(Location::Event),
        event_id: None,
        lines: lines
            .iter()
            .map(|(product_id, counted)| CountLine {
                product_id: product_id.to_string(),
                counted: counted.to_string(),
            })
            .collect(),
        note: String::new(),
    }
}

#[test]
fn a_count_is_previewed_with_its_differences_and_its_loss_before_it_is_saved() {
    let mut s = shop();
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let rows = s.ledger_rows();
    // 10 mugs and 10 jars at the stall: 8 mugs and 11 jars are found.
    let input = count_of(&[(&mug, "8"), (&jam, "11")]);
    let preview = tally::preview(s.t.store.conn(), &input).unwrap();
    assert_eq!(s.ledger_rows(), rows, "a preview writes nothing");
    let by_name = |name: &str| preview.lines.iter().find(|l| l.name == name).unwrap();
    assert_eq!(by_name("Stoneware mug").expected, "10");
    assert_eq!(by_name("Stoneware mug").difference, "-2");
    assert!(by_name("Stoneware mug").short);
    assert_eq!(by_name("Plum jam").difference, "+1");
    assert!(!by_name("Plum jam").short);
    assert_eq!((preview.differing, preview.short), (2, 1));
    assert!(preview.records_loss);

    // The count it previewed, saved by a cashier: the loss needs an organizer.
    let cashier = s.cashier.clone();
    let (at, _) = at_till::take_till(&mut s.t.store, &cashier, CASHIER_PIN).unwrap();
    let err = flows::count_with_pin(
        &mut s.t.store,
        &Actor::person(&cashier),
        &ApprovalRequest::none().from_till(Some(at)),
        &input,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);

    // A count with nothing missing records no loss.
    let fine = tally::preview(s.t.store.conn(), &count_of(&[(&jam, "10")])).unwrap();
    assert!(!fine.records_loss);
    assert_eq!(fine.differing, 0);
    assert_eq!(fine.lines[0].difference, "0");

    // A bad quantity names its line, as the count itself does.
    let err =
        tally::preview(s.t.store.conn(), &count_of(&[(&mug, "8"), (&jam, "1.5")])).unwrap_err();
    assert_eq!(err.field(), Some("lines[2].counted"));
}

#[test]
fn the_import_preview_lists_each_products_changes_and_every_problem_of_a_bad_row() {
    let mut s = shop();
    let text = "sku,name,unit_price,tax_rate,unit\n\
MUG,Stoneware mug,13.00,20,each\n\
JAM,Plum jam,3.30,5.5,each\n\
TEA,Herbal tea,4.00,20,each\n";
    let report = spreadsheet::preview(s.t.store.conn(), text, &mut |_| {}).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.new, report.changed, report.unchanged), (1, 1, 1));
    assert_eq!(report.changes.len(), 2, "the unchanged jam is not listed");
    let mug = &report.changes[0];
    assert_eq!((mug.line, mug.sku.as_str(), mug.new), (2, "MUG", false));
    assert_eq!(mug.fields.len(), 1, "{:?}", mug.fields);
    assert_eq!(
        (
            mug.fields[0].field.as_str(),
            mug.fields[0].old.as_str(),
            mug.fields[0].new.as_str()
        ),
        ("unit_price", "12.5", "13")
    );
    let tea = &report.changes[1];
    assert!(tea.new);
    assert_eq!(tea.name, "Herbal tea");

    // One row with three problems: each is named, on the same line.
    let bad = "sku,name,unit_price,tax_rate,unit\n\
MUG,Stoneware mug,twelve,7,box\n";
    let report = spreadsheet::preview(s.t.store.conn(), bad, &mut |_| {}).unwrap();
    let fields: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        fields,
        [(2, "unit_price"), (2, "tax_rate"), (2, "unit")],
        "{:?}",
        report.errors
    );
    assert_eq!(report.rejected, 1);
    let written = spreadsheet::import(
        &mut s.t.store,
        &Actor::system("test"),
        &Approval::file_holder(),
        bad,
        &mut |_| {},
    )
    .unwrap();
    assert!(!written.applied);
}

#[test]
fn the_people_settings_and_export_screens_ask_a_cashier_for_an_organizers_pin() {
    let mut s = shop();
    let (cashier, organizer) = (s.cashier.clone(), s.organizer.clone());
    let (cashier_at, _) = at_till::take_till(&mut s.t.store, &cashier, CASHIER_PIN).unwrap();
    for screen in roles::ORGANIZER_SCREENS {
        let err = roles::open_screen(
            &mut s.t.store,
            screen,
            &ApprovalRequest::none().from_till(Some(cashier_at.clone())),
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ApprovalNeeded, "{screen}");
        assert!(
            err.to_string()
                .starts_with("Opening the People, Settings or Export screen"),
            "{err}"
        );
        roles::open_screen(
            &mut s.t.store,
            screen,
            &ApprovalRequest::new(&organizer, PIN).from_till(Some(cashier_at.clone())),
        )
        .unwrap();
    }
    // A wrong PIN is refused (and counts as a try).
    let err = roles::open_screen(
        &mut s.t.store,
        "settings",
        &ApprovalRequest::new(&organizer, "000000").from_till(Some(cashier_at.clone())),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    // An organizer at the till is not asked.
    let (organizer_at, _) = at_till::take_till(&mut s.t.store, &organizer, PIN).unwrap();
    roles::open_screen(
        &mut s.t.store,
        "people",
        &ApprovalRequest::none().from_till(Some(organizer_at.clone())),
    )
    .unwrap();
    // The till's own screens are not on the list.
    let err = roles::open_screen(
        &mut s.t.store,
        "till",
        &ApprovalRequest::none().from_till(Some(organizer_at)),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("screen"));
}

#[test]
fn a_card_sale_has_no_change_to_show_and_a_cash_sale_has() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let by_card = s
        .sell(&cart(vec![line(&mug, "1")]), &[card("12.50")])
        .unwrap();
    assert!(!by_card.cash_paid);
    let exact = s.sell(&cart(vec![line(&jam, "1")]), &[cash("")]).unwrap();
    assert!(exact.cash_paid);
    assert_eq!(exact.change, "0.00");
}

#[test]
fn a_conversion_above_100_percent_says_the_visitor_count_looks_low() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam, event) = (s.mug.clone(), s.jam.clone(), s.event.clone());
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    s.sell(&cart(vec![line(&jam, "1")]), &[cash("")]).unwrap();
    s.t.store
        .write(&Actor::system("test"), |tx| {
            visitors::enter_visitors(tx, &event, "1")
        })
        .unwrap();
    let report = report::report(s.t.store.conn(), &Scope::Event(event.clone()), false).unwrap();
    assert_eq!(report.conversion.as_deref(), Some("200.0"));
    assert!(report.visitors_look_low);
    s.t.store
        .write(&Actor::system("test"), |tx| {
            visitors::enter_visitors(tx, &event, "9")
        })
        .unwrap();
    let report = report::report(s.t.store.conn(), &Scope::Event(event), false).unwrap();
    assert_eq!(report.conversion.as_deref(), Some("20.0"));
    assert!(!report.visitors_look_low);
}
