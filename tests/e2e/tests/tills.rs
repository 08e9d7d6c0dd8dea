//! Several tills in the real window: the Settings screen makes a till file
//! for a second laptop, merges a till's file back (twice: the second time
//! brings nothing), and refuses another shop's file.

use popup_till_e2e::App;

#[tokio::test]
async fn a_till_for_a_second_laptop_is_made_and_a_tills_file_merged_back_in_the_window() {
    let files = tempfile::tempdir().unwrap();
    let third = files.path().join("popup-till-T4.sqlite");
    let foreign = files.path().join("another-shop.sqlite");
    let (third_arg, foreign_arg) = (third.clone(), foreign.clone());
    let app = App::launch_prepared(move |db| {
        assert!(App::cli(db, &["demo"]).status.success());
        // The demo's market was sold on T1 and T2; a till made earlier
        // for a fourth laptop, to come back by file.
        let out = App::cli(
            db,
            &["clone-till", "--code", "T4", third_arg.to_str().unwrap()],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(App::cli(&foreign_arg, &["demo"]).status.success());
    })
    .await;
    app.choose_person("Jonas").await;
    app.click_settled("#nav-settings").await;
    app.find("#pin-dialog").await;
    app.enter_pin("246810").await;
    app.wait_gone("#pin-dialog").await;
    app.wait_for_text("#tills-list", "T4").await;

    // Make a till for another laptop: the form says what it carries.
    app.wait_for_text("#clone-form", "contacts stay on this laptop")
        .await;
    let second = files.path().join("popup-till-T3.sqlite");
    app.type_into("#clone-code", "t3").await;
    app.type_into("#clone-file", second.to_str().unwrap()).await;
    app.click("#clone-submit").await;
    let made = app.wait_for_text("#clone-result", "T3-000001").await;
    assert!(made.contains("Till T3 written"), "{made}");
    app.wait_for_text("#tills-list", "T3").await;
    assert!(second.exists());
    App::assert_journal_holds(&second);
    let out = App::cli(&second, &["tills", "--json"]);
    let tills: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tills[0]["till_code"], "T3");
    assert_eq!(tills[0]["local"], true);
    app.screenshot("tills-clone").await;

    // Merge the third laptop's file back.
    app.type_into("#merge-file", third.to_str().unwrap()).await;
    app.click("#merge-submit").await;
    let report = app.wait_for_text("#merge-result", "Merged till T4").await;
    assert!(report.contains("1 journal entry,"), "{report}");
    app.screenshot("tills-merged").await;
    // Again: nothing new, nothing written.
    let before = App::cli(&app.db_path(), &["verify", "--json"]);
    app.click("#merge-submit").await;
    app.wait_for_text("#merge-result", "holds nothing new")
        .await;
    let after = App::cli(&app.db_path(), &["verify", "--json"]);
    // (The organizer's approval is journaled each time; T4's chain and the
    // rows that came in are what must not change.)
    let t3_chain = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["till_code"] == "T4")
            .cloned()
            .expect("T4's chain is in the file")
    };
    assert_eq!(t3_chain(&before), t3_chain(&after));

    // Another shop's file is refused, named on the form.
    app.type_into("#merge-file", foreign.to_str().unwrap())
        .await;
    app.click("#merge-submit").await;
    app.wait_for_text("#merge-form .form-error", "another shop")
        .await;
    app.screenshot("tills-refused").await;
    app.assert_accessible("the Tills panel").await;
    let db = app.db_path();
    let data = app.close().await;
    App::assert_journal_holds(&db);
    drop(data);
}
