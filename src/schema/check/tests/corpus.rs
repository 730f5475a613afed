//! Every distinct CHECK text of the schema corpus (`../shared/pg-schema-corpus/`), exactly as
//! PostgreSQL 15's `pg_get_constraintdef()` printed it after loading each schema (domains' checks
//! included; openstreetmap has none, PostGIS-dependent tables of postgrest_fixtures have none).

use super::super::{analyze, parse};

/// (corpus file, constraint definition)
pub(super) const CORPUS: &[(&str, &str)] = &[
    (
        "adventureworks",
        r#"CHECK (((birthdate >= '1930-01-01'::date) AND (birthdate <= (now() - '18 years'::interval))))"#,
    ),
    ("adventureworks", r#"CHECK (((hiredate >= '1996-07-01'::date) AND (hiredate <= (now() + '1 day'::interval))))"#),
    ("adventureworks", r#"CHECK (((sickleavehours >= 0) AND (sickleavehours <= 120)))"#),
    ("adventureworks", r#"CHECK (((vacationhours >= '-40'::integer) AND (vacationhours <= 240)))"#),
    ("adventureworks", r#"CHECK ((upper((gender)::text) = ANY (ARRAY['M'::text, 'F'::text])))"#),
    ("adventureworks", r#"CHECK ((upper((maritalstatus)::text) = ANY (ARRAY['M'::text, 'S'::text])))"#),
    ("adventureworks", r#"CHECK (((enddate >= startdate) OR (enddate IS NULL)))"#),
    ("adventureworks", r#"CHECK (((rate >= 6.50) AND (rate <= 200.00)))"#),
    ("adventureworks", r#"CHECK ((payfrequency = ANY (ARRAY[1, 2])))"#),
    ("adventureworks", r#"CHECK (((emailpromotion >= 0) AND (emailpromotion <= 2)))"#),
    (
        "adventureworks",
        r#"CHECK (((persontype IS NULL) OR (upper((persontype)::text) = ANY (ARRAY['SC'::text, 'VC'::text, 'IN'::text, 'EM'::text, 'SP'::text, 'GC'::text]))))"#,
    ),
    (
        "adventureworks",
        r#"CHECK ((((productassemblyid IS NULL) AND (bomlevel = 0) AND (perassemblyqty = 1.00)) OR ((productassemblyid IS NOT NULL) AND (bomlevel >= 1))))"#,
    ),
    ("adventureworks", r#"CHECK (((enddate > startdate) OR (enddate IS NULL)))"#),
    ("adventureworks", r#"CHECK ((perassemblyqty >= 1.00))"#),
    ("adventureworks", r#"CHECK ((productassemblyid <> componentid))"#),
    ("adventureworks", r#"CHECK (((status >= 1) AND (status <= 3)))"#),
    ("adventureworks", r#"CHECK ((availability >= 0.00))"#),
    ("adventureworks", r#"CHECK ((costrate >= 0.00))"#),
    ("adventureworks", r#"CHECK (((sellenddate >= sellstartdate) OR (sellenddate IS NULL)))"#),
    (
        "adventureworks",
        r#"CHECK (((upper((class)::text) = ANY (ARRAY['L'::text, 'M'::text, 'H'::text])) OR (class IS NULL)))"#,
    ),
    (
        "adventureworks",
        r#"CHECK (((upper((productline)::text) = ANY (ARRAY['S'::text, 'T'::text, 'M'::text, 'R'::text])) OR (productline IS NULL)))"#,
    ),
    (
        "adventureworks",
        r#"CHECK (((upper((style)::text) = ANY (ARRAY['W'::text, 'M'::text, 'U'::text])) OR (style IS NULL)))"#,
    ),
    ("adventureworks", r#"CHECK ((daystomanufacture >= 0))"#),
    ("adventureworks", r#"CHECK ((listprice >= 0.00))"#),
    ("adventureworks", r#"CHECK ((reorderpoint > 0))"#),
    ("adventureworks", r#"CHECK ((safetystocklevel > 0))"#),
    ("adventureworks", r#"CHECK ((standardcost >= 0.00))"#),
    ("adventureworks", r#"CHECK ((weight > 0.00))"#),
    ("adventureworks", r#"CHECK (((bin >= 0) AND (bin <= 100)))"#),
    ("adventureworks", r#"CHECK ((listprice > 0.00))"#),
    ("adventureworks", r#"CHECK (((rating >= 1) AND (rating <= 5)))"#),
    ("adventureworks", r#"CHECK ((upper((transactiontype)::text) = ANY (ARRAY['W'::text, 'S'::text, 'P'::text])))"#),
    ("adventureworks", r#"CHECK ((orderqty > 0))"#),
    ("adventureworks", r#"CHECK ((scrappedqty >= 0))"#),
    (
        "adventureworks",
        r#"CHECK (((actualenddate >= actualstartdate) OR (actualenddate IS NULL) OR (actualstartdate IS NULL)))"#,
    ),
    ("adventureworks", r#"CHECK ((actualcost > 0.00))"#),
    ("adventureworks", r#"CHECK ((actualresourcehrs >= 0.0000))"#),
    ("adventureworks", r#"CHECK ((plannedcost > 0.00))"#),
    ("adventureworks", r#"CHECK ((scheduledenddate >= scheduledstartdate))"#),
    ("adventureworks", r#"CHECK ((averageleadtime >= 1))"#),
    ("adventureworks", r#"CHECK ((lastreceiptcost > 0.00))"#),
    ("adventureworks", r#"CHECK ((maxorderqty >= 1))"#),
    ("adventureworks", r#"CHECK ((minorderqty >= 1))"#),
    ("adventureworks", r#"CHECK ((onorderqty >= 0))"#),
    ("adventureworks", r#"CHECK ((standardprice > 0.00))"#),
    ("adventureworks", r#"CHECK ((receivedqty >= 0.00))"#),
    ("adventureworks", r#"CHECK ((rejectedqty >= 0.00))"#),
    ("adventureworks", r#"CHECK ((unitprice >= 0.00))"#),
    ("adventureworks", r#"CHECK (((shipdate >= orderdate) OR (shipdate IS NULL)))"#),
    ("adventureworks", r#"CHECK (((status >= 1) AND (status <= 4)))"#),
    ("adventureworks", r#"CHECK ((freight >= 0.00))"#),
    ("adventureworks", r#"CHECK ((subtotal >= 0.00))"#),
    ("adventureworks", r#"CHECK ((taxamt >= 0.00))"#),
    ("adventureworks", r#"CHECK ((shipbase > 0.00))"#),
    ("adventureworks", r#"CHECK ((shiprate > 0.00))"#),
    ("adventureworks", r#"CHECK (((creditrating >= 1) AND (creditrating <= 5)))"#),
    ("adventureworks", r#"CHECK ((unitpricediscount >= 0.00))"#),
    ("adventureworks", r#"CHECK (((status >= 0) AND (status <= 8)))"#),
    ("adventureworks", r#"CHECK ((duedate >= orderdate))"#),
    ("adventureworks", r#"CHECK ((bonus >= 0.00))"#),
    ("adventureworks", r#"CHECK ((commissionpct >= 0.00))"#),
    ("adventureworks", r#"CHECK ((saleslastyear >= 0.00))"#),
    ("adventureworks", r#"CHECK ((salesquota > 0.00))"#),
    ("adventureworks", r#"CHECK ((salesytd >= 0.00))"#),
    ("adventureworks", r#"CHECK (((taxtype >= 1) AND (taxtype <= 3)))"#),
    ("adventureworks", r#"CHECK ((costlastyear >= 0.00))"#),
    ("adventureworks", r#"CHECK ((costytd >= 0.00))"#),
    ("adventureworks", r#"CHECK ((quantity >= 1))"#),
    ("adventureworks", r#"CHECK ((discountpct >= 0.00))"#),
    ("adventureworks", r#"CHECK ((enddate >= startdate))"#),
    ("adventureworks", r#"CHECK ((maxqty >= 0))"#),
    ("adventureworks", r#"CHECK ((minqty >= 0))"#),
    ("pagila", r#"CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))"#),
    ("synapse", r#"CHECK ((lock = 'X'::bpchar))"#),
    ("postgrest_fixtures", r#"CHECK (((VALUE >= 0) AND (VALUE <= 16777215)))"#),
    ("postgrest_fixtures", r#"CHECK (((VALUE >= 1) AND (VALUE <= 9)))"#),
    ("postgrest_fixtures", r#"CHECK (((VALUE)::tsvector <> ''::tsvector))"#),
    ("postgrest_fixtures", r#"CHECK ((VALUE IS NOT NULL))"#),
    ("postgrest_fixtures", r#"CHECK ((name <> ''::text))"#),
];

/// The corpus checks whose analysis is not complete, and why.
const NOT_UNDERSTOOD: &[&str] = &[];

#[test]
fn corpus_has_enough_real_checks() {
    assert!(CORPUS.len() >= 40, "{}", CORPUS.len());
}

#[test]
fn every_corpus_check_parses() {
    for (source, text) in CORPUS {
        if let Err(error) = parse(text) {
            panic!("{source}: {text}: {error}");
        }
    }
}

#[test]
fn corpus_checks_are_understood_except_the_known_ones() {
    let mut missing = Vec::new();
    for (_, text) in CORPUS {
        let analysis = analyze(text).expect("parses");
        if !analysis.fully_understood {
            missing.push(*text);
        }
        assert!(!analysis.restrictions.is_empty() || !analysis.fully_understood, "{text}: nothing found");
    }
    assert_eq!(missing, NOT_UNDERSTOOD);
}
