//! Naming a version to roll back to, and reading rollback requests.

mod picking {
    use super::super::*;

    /// A version whose hash starts with `start` (hex).
    fn version(slot: Slot, name: &str, start: &str) -> PluginVersion {
        let hex = format!("{start:0<64}");
        PluginVersion {
            slot,
            name: name.into(),
            hash: hex.parse().unwrap(),
            how: Activation::File,
            at: "2026-11-30T00:00:00Z".parse().unwrap(),
            config: Default::default(),
            config_digest: String::new(),
            config_changes: Vec::new(),
            cases_digest: None,
            impact: None,
        }
    }

    #[test]
    fn a_prefix_names_one_version_of_the_slot_or_is_refused_by_name() {
        let history = vec![
            version(Slot::LeadDefinition, "bant", "abc123"),
            version(Slot::LeadDefinition, "fit", "abd456"),
            version(Slot::RoutingPolicy, "round-robin", "abe789"),
            version(Slot::LeadDefinition, "bant-again", "abc123"),
        ];
        let picked = pick_version(&history, Slot::LeadDefinition, " ABC ").unwrap();
        assert_eq!(picked.name, "bant-again");
        assert!(picked.hash.to_string().starts_with("abc123"));
        // Another slot's history is not searched.
        assert!(matches!(
            pick_version(&history, Slot::LeadDefinition, "abe"),
            Err(InstallError::UnknownVersion { .. })
        ));
        assert!(matches!(
            pick_version(&history, Slot::LeadDefinition, "ab"),
            Err(InstallError::AmbiguousVersion { count: 2, .. })
        ));
        for bad in ["", "zz", "abc:", ":abc", "abc:def:0", "abc:xyz"] {
            assert!(
                matches!(
                    pick_version(&history, Slot::LeadDefinition, bad),
                    Err(InstallError::BadVersion(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_config_only_version_is_named_by_its_config_digest() {
        let with_config = |config: &str, name: &str| PluginVersion {
            config_digest: format!("{config:0<64}"),
            ..version(Slot::LeadDefinition, name, "abc123")
        };
        let history = vec![
            with_config("11aa", "fit"),
            with_config("22bb", "fit"),
            with_config("11aa", "fit-again"),
        ];
        // The component alone: its latest config.
        let latest = pick_version(&history, Slot::LeadDefinition, "abc").unwrap();
        assert!(latest.config_digest.starts_with("11aa"));
        assert_eq!(latest.name, "fit-again");
        let older = pick_version(&history, Slot::LeadDefinition, "abc:22").unwrap();
        assert!(older.config_digest.starts_with("22bb"));
        // The same (component, config) twice is one version: its latest entry.
        let again = pick_version(&history, Slot::LeadDefinition, " ABC123:11AA ").unwrap();
        assert_eq!(again.name, "fit-again");
        assert!(matches!(
            pick_version(&history, Slot::LeadDefinition, "abc:33"),
            Err(InstallError::UnknownVersion { .. })
        ));
        let mut both = history.clone();
        both.push(with_config("1100", "fit"));
        assert!(matches!(
            pick_version(&both, Slot::LeadDefinition, "abc:11"),
            Err(InstallError::AmbiguousVersion { count: 2, .. })
        ));
    }
}

mod request_tests {
    use super::super::*;

    /// The request is judged on the file opened, so a name swapped after
    /// any check on it (a race a tenant can win) still reads nothing: a
    /// FIFO does not block, a link to a file of hex digits outside the
    /// folder is not followed.
    #[test]
    fn a_request_swapped_for_a_fifo_or_a_link_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollback-lead-definition.request");
        let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string naming a path in our own temp folder.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(read_request(&path), None, "returns at once, unread");
        std::fs::remove_file(&path).unwrap();
        let outside = dir.path().join("machine-id");
        std::fs::write(&outside, "cafe0123456789\n").unwrap();
        std::os::unix::fs::symlink(&outside, &path).unwrap();
        assert_eq!(read_request(&path), None);
    }

    #[test]
    fn a_request_is_read_only_as_a_short_hex_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rollback-lead-definition.request");
        let read = |text: &[u8]| {
            std::fs::write(&path, text).unwrap();
            read_request(&path)
        };
        assert_eq!(read(b" C822012336B8\n").as_deref(), Some("c822012336b8"));
        assert_eq!(read(&[b'a'; 64]).map(|p| p.len()), Some(64));
        assert_eq!(read(b"C8220:9E01\n").as_deref(), Some("c8220:9e01"));
        for bad in [
            &b""[..],
            b"  ",
            b"zz",
            b"touch /tmp/x",
            b"abc:",
            b"abc:def:1",
            &[b'a'; 65],
            &[b'a'; 100_000],
        ] {
            assert_eq!(
                read(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(&bad[..bad.len().min(20)])
            );
        }
    }
}
