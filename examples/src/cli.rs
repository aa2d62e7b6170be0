//! The command line, as `../shared/docs/mailsec-cli.md` defines it. Flags,
//! JSON keys and exit codes there are a stable contract: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// mailsec: the security layer of email (SPF, DKIM, DMARC, MTA-STS, TLS-RPT, S/MIME).
#[derive(Debug, Parser)]
#[command(name = "mailsec", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Evaluate SPF (RFC 7208) for a client IP, HELO name and MAIL FROM.
    Spf(SpfArgs),
    /// Verify, sign, or make keys for DKIM (RFC 6376).
    #[command(subcommand)]
    Dkim(DkimCommand),
    /// Evaluate DMARC for a message, or parse a DMARC record.
    Dmarc(DmarcArgs),
    /// Sign, verify, encrypt or decrypt S/MIME messages.
    #[command(subcommand)]
    Smime(SmimeCommand),
    /// Parse MTA-STS records and policies, match MX hosts, resolve a policy.
    #[command(subcommand, name = "mta-sts")]
    MtaSts(MtaStsCommand),
    /// Parse TLS-RPT records and reports.
    #[command(subcommand)]
    Tlsrpt(TlsrptCommand),
    /// Show how the message layer reads a message: header fields, From, MIME tree.
    Message(MessageArgs),
    /// Ask the DNS resolver (for now only a `--dns` fixture) one question.
    Dns(DnsArgs),
    /// Run the main jobs on built-in sample data (no network needed).
    Demo,
}

/// `--dns FILE`: offline DNS fixtures.
#[derive(Debug, Args, Clone)]
pub(crate) struct DnsFlag {
    /// YAML (or JSON) DNS fixture: owner name -> list of records. Without it,
    /// real DNS would be used.
    #[arg(long = "dns", value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
}

/// `--now UNIX_SECONDS`.
#[derive(Debug, Args, Clone)]
pub(crate) struct NowFlag {
    /// The time to evaluate at, in seconds since the Unix epoch (default: the system clock).
    #[arg(long = "now", value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    pub(crate) now: Option<i64>,
}

#[derive(Debug, Args)]
pub(crate) struct SpfArgs {
    /// The SMTP client's IP address (an unparsable one is an input error, exit 1).
    #[arg(long)]
    pub(crate) ip: String,
    /// The HELO/EHLO name.
    #[arg(long)]
    pub(crate) helo: String,
    /// The MAIL FROM address; "" is the null reverse-path.
    #[arg(long)]
    pub(crate) sender: String,
    #[command(flatten)]
    pub(crate) dns: DnsFlag,
    #[command(flatten)]
    pub(crate) now: NowFlag,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DkimCommand {
    /// Verify every DKIM-Signature of a message.
    Verify {
        #[command(flatten)]
        dns: DnsFlag,
        #[command(flatten)]
        now: NowFlag,
        /// The message (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
    /// Sign a message and print it with the new DKIM-Signature field prepended.
    Sign {
        /// Private key, PKCS#8 PEM (RSA or Ed25519) or PKCS#1 PEM (RSA).
        #[arg(long)]
        key: PathBuf,
        /// The signing domain (d=).
        #[arg(long)]
        domain: String,
        /// The selector (s=).
        #[arg(long)]
        selector: String,
        /// rsa-sha256 or ed25519-sha256 (default: follows the key).
        #[arg(long)]
        algorithm: Option<String>,
        /// header/body canonicalization, e.g. relaxed/relaxed (the default).
        #[arg(long)]
        canonicalization: Option<String>,
        /// Colon-separated header fields to sign (From is always signed).
        #[arg(long)]
        headers: Option<String>,
        #[command(flatten)]
        now: NowFlag,
        /// The message (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
    /// Make a key pair and print the TXT record to publish.
    Keygen {
        /// rsa-sha256 or ed25519-sha256.
        #[arg(long)]
        algorithm: String,
        /// Where to write the private key (PKCS#8 PEM).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct DmarcArgs {
    #[command(subcommand)]
    pub(crate) command: Option<DmarcCommand>,
    /// The SMTP client's IP address (an unparsable one is an input error, exit 1).
    #[arg(long, required = true)]
    pub(crate) ip: Option<String>,
    /// The HELO/EHLO name.
    #[arg(long, required = true)]
    pub(crate) helo: Option<String>,
    /// The MAIL FROM address; "" is the null reverse-path.
    #[arg(long, required = true)]
    pub(crate) sender: Option<String>,
    #[command(flatten)]
    pub(crate) dns: DnsFlag,
    #[command(flatten)]
    pub(crate) now: NowFlag,
    /// The authserv-id of the Authentication-Results field (default: the host name).
    #[arg(long = "authserv-id")]
    pub(crate) authserv_id: Option<String>,
    /// Use the RFC 7489 rules (Public Suffix List, pct) instead of RFC 9989's.
    #[arg(long)]
    pub(crate) rfc7489: bool,
    /// RFC 7489 pct sampling: the message's number from 0 to 99, drawn by
    /// the caller (the message is sampled when it is below pct). Default 0:
    /// sampled unless pct=0, so that the output is reproducible.
    #[arg(long = "pct-sample")]
    pub(crate) pct_sample: Option<u8>,
    /// With --rfc7489: a Public Suffix List file (publicsuffix.org format)
    /// to use instead of the one built in.
    #[arg(long = "public-suffix-list", value_name = "FILE")]
    pub(crate) public_suffix_list: Option<PathBuf>,
    /// The message (path, or - / absent for standard input).
    pub(crate) message: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DmarcCommand {
    /// Parse a DMARC record and print its tags as JSON.
    Record {
        /// The TXT record's text.
        text: String,
    },
    /// Read an aggregate report (XML, gzip or zip) and print it as JSON.
    Report {
        /// The report (path, or - / absent for standard input).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SmimeCommand {
    /// Sign a MIME entity (multipart/signed, or opaque with --opaque).
    Sign {
        /// The signer's certificate.
        #[arg(long)]
        cert: PathBuf,
        /// The signer's private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), PEM or DER.
        #[arg(long)]
        key: PathBuf,
        /// Intermediate certificates to include (repeatable).
        #[arg(long)]
        chain: Vec<PathBuf>,
        /// application/pkcs7-mime signed-data instead of multipart/signed.
        #[arg(long)]
        opaque: bool,
        /// sha256, sha384 or sha512.
        #[arg(long)]
        digest: Option<String>,
        /// RSASSA-PSS instead of PKCS#1 v1.5 for RSA keys.
        #[arg(long)]
        pss: bool,
        #[command(flatten)]
        now: NowFlag,
        /// The MIME entity (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
    /// Verify a signed message.
    Verify {
        /// Trust anchors (repeatable; every certificate given is an anchor).
        #[arg(long)]
        trust: Vec<PathBuf>,
        /// Extra intermediate and signer certificates (repeatable).
        #[arg(long)]
        certs: Vec<PathBuf>,
        /// CRLs, PEM or DER (repeatable).
        #[arg(long)]
        crl: Vec<PathBuf>,
        #[command(flatten)]
        now: NowFlag,
        /// Write the signed MIME entity here when a signature over it is valid.
        #[arg(long = "content-out")]
        content_out: Option<PathBuf>,
        /// Accept legacy algorithms for old archives: SHA-1, RSA keys from
        /// 1024 bits and DSA (MD5 stays refused).
        #[arg(long = "allow-legacy", alias = "legacy")]
        allow_legacy: bool,
        /// A certificate whose issuer has no CRL among those given (or in the
        /// message) makes the chain invalid, instead of being left unchecked.
        #[arg(long = "require-crl")]
        require_crl: bool,
        /// The message (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
    /// Encrypt a MIME entity to one or more recipients.
    Encrypt {
        /// Recipient certificates (repeatable).
        #[arg(long, required = true)]
        to: Vec<PathBuf>,
        /// aes128-gcm, aes256-gcm, aes128-cbc or aes256-cbc.
        #[arg(long)]
        cipher: Option<String>,
        /// RSA-OAEP instead of PKCS#1 v1.5 key transport.
        #[arg(long)]
        oaep: bool,
        /// The MIME entity (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
    /// Decrypt a message with a recipient's certificate and key.
    Decrypt {
        /// The recipient's certificate.
        #[arg(long)]
        cert: PathBuf,
        /// The recipient's private key.
        #[arg(long)]
        key: PathBuf,
        /// Accept legacy ciphers (DES, 3DES, RC2).
        #[arg(long = "allow-legacy")]
        allow_legacy: bool,
        /// The message (path, or - / absent for standard input).
        message: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MtaStsCommand {
    /// Apply RFC 8461 §3.1 to the TXT record set of _mta-sts.DOMAIN.
    Txt {
        /// The records, one argument each.
        #[arg(required = true)]
        records: Vec<String>,
    },
    /// Parse a policy file.
    Policy {
        /// The policy (path, or - / absent for standard input).
        file: Option<PathBuf>,
    },
    /// Whether an MX host matches a policy.
    Match {
        /// The policy file.
        #[arg(long)]
        policy: PathBuf,
        /// The MX host name.
        #[arg(long)]
        mx: String,
    },
    /// Fetch and print the policy in force for a domain.
    Resolve {
        /// The policy domain.
        #[arg(long)]
        domain: String,
        #[command(flatten)]
        dns: DnsFlag,
        #[command(flatten)]
        now: NowFlag,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TlsrptCommand {
    /// Parse the TXT record set of _smtp._tls.DOMAIN.
    Txt {
        /// The records, one argument each.
        #[arg(required = true)]
        records: Vec<String>,
    },
    /// Read a report (JSON or gzip) and print it normalised.
    Report {
        /// The report (path, or - / absent for standard input).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct MessageArgs {
    /// The message (path, or - / absent for standard input).
    pub(crate) message: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DnsArgs {
    /// The owner name to ask about.
    pub(crate) name: String,
    /// The record type: A, AAAA, MX, TXT, PTR, TLSA (SPF and CNAME too).
    #[arg(default_value = "TXT")]
    pub(crate) record_type: String,
    #[command(flatten)]
    pub(crate) dns: DnsFlag,
}
