//! TLS to the database, with libpq's `sslmode` meanings: `disable` never,
//! `prefer` (the default) when the server offers it and `require` always,
//! both without judging the server's certificate (as libpq: Debian's own
//! PostgreSQL serves a self-signed one), and `verify-full` always, the
//! certificate checked against the CA in `sslrootcert` and the host name
//! against it. The client library knows neither `verify-full` nor
//! `sslrootcert`, so they are taken out of the URL here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Why the URL's TLS options cannot be followed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `sslmode=verify-full` without the CA to check against.
    #[error(
        "sslmode=verify-full needs sslrootcert=PATH: the CA certificate (PEM) the server's certificate is checked against"
    )]
    NoRootCert,
    /// `sslmode=verify-ca`: not offered.
    #[error(
        "sslmode=verify-ca is not supported: use verify-full (the certificate and the host name checked) or require"
    )]
    VerifyCa,
    /// The CA file cannot be read or holds no certificate.
    #[error("sslrootcert {path}: {problem}")]
    RootCert {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// rustls refused the configuration.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// `url` without the options this module takes out, and the TLS
/// connector they ask for.
pub(crate) fn connector(url: &str) -> Result<(String, MakeRustlsConnect), TlsError> {
    let (url, root_cert, verify) = split(url)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let config = if verify {
        let path = root_cert.ok_or(TlsError::NoRootCert)?;
        builder
            .with_root_certificates(roots(&path)?)
            .with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unjudged(
                provider.signature_verification_algorithms,
            )))
            .with_no_client_auth()
    };
    Ok((url, MakeRustlsConnect::new(config)))
}

/// Takes `sslrootcert` and a `verify-*` `sslmode` out of a URL's query:
/// the URL the client library is given (`verify-full` as `require`), the
/// CA file, and whether to verify.
fn split(url: &str) -> Result<(String, Option<PathBuf>, bool), TlsError> {
    let Some((address, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None, false));
    };
    let (mut kept, mut root_cert, mut verify) = (Vec::new(), None, false);
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("sslrootcert", path)) => root_cert = Some(PathBuf::from(decoded(path))),
            Some(("sslmode", "verify-full")) => {
                verify = true;
                kept.push("sslmode=require");
            }
            Some(("sslmode", "verify-ca")) => return Err(TlsError::VerifyCa),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        address.to_string()
    } else {
        format!("{address}?{}", kept.join("&"))
    };
    Ok((url, root_cert, verify))
}

/// A query value with its `%XX` escapes decoded (a path may hold spaces).
fn decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| value.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The CA certificates in the PEM file at `path`.
fn roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let refuse = |problem: String| TlsError::RootCert {
        path: path.to_path_buf(),
        problem,
    };
    let mut roots = RootCertStore::empty();
    for certificate in
        CertificateDer::pem_file_iter(path).map_err(|error| refuse(error.to_string()))?
    {
        let certificate = certificate.map_err(|error| refuse(error.to_string()))?;
        roots
            .add(certificate)
            .map_err(|error| refuse(error.to_string()))?;
    }
    if roots.is_empty() {
        return Err(refuse("holds no certificate".into()));
    }
    Ok(roots)
}

/// Takes any certificate the server shows (libpq's `prefer`/`require`):
/// the traffic is encrypted, and the server still proves it holds the
/// certificate's key; who it is is not judged.
#[derive(Debug)]
struct Unjudged(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unjudged {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_full_and_its_ca_are_taken_out_of_the_url() {
        let (url, root, verify) = split(
            "postgres://lh@db:5432/leads?sslmode=verify-full&sslrootcert=/etc/ssl/my%20ca.pem&application_name=x",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgres://lh@db:5432/leads?sslmode=require&application_name=x"
        );
        assert_eq!(root, Some(PathBuf::from("/etc/ssl/my ca.pem")));
        assert!(verify);
        let (url, root, verify) = split("postgres://lh@db/leads").unwrap();
        assert_eq!(
            (url.as_str(), root, verify),
            ("postgres://lh@db/leads", None, false)
        );
        assert!(matches!(
            split("postgres://db/x?sslmode=verify-ca"),
            Err(TlsError::VerifyCa)
        ));
        assert!(matches!(
            connector("postgres://db/x?sslmode=verify-full"),
            Err(TlsError::NoRootCert)
        ));
        let missing = connector("postgres://db/x?sslmode=verify-full&sslrootcert=/nonexistent.pem")
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("/nonexistent.pem"), "{missing}");
    }
}
