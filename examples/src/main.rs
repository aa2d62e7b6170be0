//! `mailsec`: the command-line face of the mailsec crates.
//!
//! Its contract (flags, JSON keys, exit codes) is `../shared/docs/mailsec-cli.md`:
//! exit 0 when the command did its job whatever the verdict, 1 when the input
//! cannot be processed (one line on standard error, and `{"error": "..."}` on
//! standard output for JSON commands), 2 for usage errors.

mod cli;
mod commands;
mod support;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, DkimCommand, DmarcCommand, SmimeCommand};
use support::{Output, finish, not_yet};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Spf(args) => finish(Output::Json, commands::spf::run(&args)),
        Command::Dkim(DkimCommand::Verify { dns, now, message }) => finish(
            Output::Json,
            commands::dkim::verify(&dns, &now, message.as_deref()),
        ),
        Command::Dkim(DkimCommand::Sign {
            key,
            domain,
            selector,
            algorithm,
            canonicalization,
            headers,
            now,
            message,
        }) => finish(
            Output::Text,
            commands::dkim::sign(&commands::dkim::SignArgs {
                key: &key,
                domain: &domain,
                selector: &selector,
                algorithm: algorithm.as_deref(),
                canonicalization: canonicalization.as_deref(),
                headers: headers.as_deref(),
                now: &now,
                message: message.as_deref(),
            }),
        ),
        Command::Dkim(DkimCommand::Keygen { algorithm, out }) => {
            finish(Output::Text, commands::dkim::keygen(&algorithm, &out))
        }
        Command::Dmarc(args) => match args.command {
            Some(DmarcCommand::Record { text }) => {
                finish(Output::Json, commands::dmarc::record(&text))
            }
            Some(DmarcCommand::Report { file }) => {
                finish(Output::Json, commands::dmarc::report(file.as_deref()))
            }
            None => finish(Output::Json, commands::dmarc::run(&args)),
        },
        Command::Smime(SmimeCommand::Verify {
            trust,
            certs,
            crl,
            now,
            content_out,
            allow_legacy,
            require_crl,
            message,
        }) => finish(
            Output::Json,
            commands::smime::verify(&commands::smime::VerifyArgs {
                trust: &trust,
                certs: &certs,
                crl: &crl,
                now: &now,
                content_out: content_out.as_deref(),
                allow_legacy,
                require_crl,
                message: message.as_deref(),
            }),
        ),
        Command::Smime(SmimeCommand::Sign {
            cert,
            key,
            chain,
            opaque,
            digest,
            pss,
            now,
            message,
        }) => finish(
            Output::Text,
            commands::smime::sign(&commands::smime::SignArgs {
                cert: &cert,
                key: &key,
                chain: &chain,
                opaque,
                digest: digest.as_deref(),
                pss,
                now: &now,
                message: message.as_deref(),
            }),
        ),
        Command::Smime(cmd) => {
            let (name, output) = match cmd {
                SmimeCommand::Sign { .. } => ("smime sign", Output::Text),
                SmimeCommand::Verify { .. } => ("smime verify", Output::Json),
                SmimeCommand::Encrypt { .. } => ("smime encrypt", Output::Text),
                SmimeCommand::Decrypt { .. } => ("smime decrypt", Output::Text),
            };
            finish(output, Err(not_yet(name, "S/MIME, issues 6 and 7")))
        }
        Command::MtaSts(cmd) => finish(Output::Json, commands::mta_sts::run(&cmd)),
        Command::Tlsrpt(cmd) => finish(Output::Json, commands::tlsrpt::run(&cmd)),
        Command::Message(args) => finish(Output::Json, commands::message::run(&args)),
        Command::Dns(args) => finish(Output::Json, commands::dns::run(&args)),
        Command::Demo => finish(Output::Text, commands::demo::run()),
    }
}
