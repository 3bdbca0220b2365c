use super::*;

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

fn set_time(path: &Path, when: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

#[test]
fn an_entry_reads_back_a_missing_or_damaged_one_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let cache = FunctionCache::open(&dir.path().join("functions")).unwrap();
    assert!(cache.get(b"key").is_none());
    assert!(cache.insert(b"key", b"compiled".to_vec()));
    assert_eq!(cache.get(b"key").as_deref(), Some(&b"compiled"[..]));
    // Overwriting a key (two writers of one function) keeps one entry.
    assert!(cache.insert(b"key", b"compiled".to_vec()));
    let files: Vec<_> = fs::read_dir(cache.dir()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "no partial file is left behind");
    // A damaged file (one byte of the entry changed) is never loaded.
    let path = cache.path(cache.dir(), b"key");
    let mut bytes = fs::read(&path).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    fs::write(&path, bytes).unwrap();
    assert!(cache.get(b"key").is_none());
    // Nor one whose name is another key's.
    assert!(cache.insert(b"other", b"compiled".to_vec()));
    fs::rename(cache.path(cache.dir(), b"other"), &path).unwrap();
    assert!(cache.get(b"key").is_none());
}

#[test]
fn one_compile_writes_at_most_its_share_of_new_entries() {
    let dir = tempfile::tempdir().unwrap();
    let cache = FunctionCache::open(dir.path()).unwrap();
    cache.writes.store(NEW_PER_COMPILE - 1, Ordering::Relaxed);
    assert!(cache.insert(b"last", vec![1]));
    assert!(!cache.insert(b"over", vec![2]), "past the compile's share");
    assert!(cache.get(b"over").is_none());
    cache.begin_compile();
    assert!(
        cache.insert(b"over", vec![2]),
        "the next compile has its own"
    );
}

#[test]
fn a_workers_entries_reach_the_cache_only_if_its_compile_succeeded() {
    let dir = tempfile::tempdir().unwrap();
    let host = FunctionCache::open(dir.path()).unwrap();
    assert!(host.insert(b"shared", vec![1]));
    for keep in [false, true] {
        let staging = host.stage().unwrap();
        let worker = FunctionCache::open_staged(dir.path(), &staging).unwrap();
        assert_eq!(worker.get(b"shared").as_deref(), Some(&[1][..]));
        assert!(worker.insert(b"new", vec![2]));
        assert_eq!(worker.get(b"new").as_deref(), Some(&[2][..]));
        assert!(host.get(b"new").is_none(), "not before the merge");
        host.merge(&staging, keep);
        assert!(!staging.exists());
        assert_eq!(host.get(b"new").is_some(), keep);
    }
}

#[test]
fn trim_keeps_the_entries_used_last_within_blocks_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let cache = FunctionCache::open(dir.path()).unwrap();
    for key in 0u8..10 {
        // 100 bytes each, 4 KiB each on disk.
        assert!(cache.insert(&[key], vec![key; 68]));
        set_time(&cache.path(dir.path(), &[key]), at(key.into()));
    }
    assert_eq!(
        trim(dir.path(), 40 << 10, 10, &HashSet::new()),
        0,
        "within both bounds"
    );
    // Reading an entry marks it used.
    assert!(cache.get(&[0]).is_some());
    assert_eq!(
        trim(dir.path(), 16 << 10, 10, &HashSet::new()),
        6,
        "blocks, not bytes"
    );
    let kept: Vec<u8> = (0u8..10)
        .filter(|key| cache.path(dir.path(), &[*key]).exists())
        .collect();
    assert_eq!(kept, vec![0, 7, 8, 9], "the ones used last stay");
    assert_eq!(
        trim(dir.path(), 1 << 30, 2, &HashSet::new()),
        2,
        "and at most so many files"
    );
}

#[test]
fn trim_removes_what_gone_writers_left_and_spares_live_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cache = FunctionCache::open(dir.path()).unwrap();
    // A worker compiling for over an hour: its folder is old, and live.
    let live = cache.stage().unwrap();
    // What a killed host left.
    let gone = dir.path().join(".staging-gone");
    fs::create_dir(&gone).unwrap();
    fs::write(gone.join("entry"), [0; 8]).unwrap();
    for folder in [&live, &gone] {
        fs::File::open(folder).unwrap().set_modified(at(0)).unwrap();
    }
    let old_partial = dir.path().join(".ab.1.0.partial");
    let live_partial = dir.path().join(".cd.1.1.partial");
    fs::write(&old_partial, [0; 8 << 10]).unwrap();
    fs::write(&live_partial, [0; 8 << 10]).unwrap();
    set_time(&old_partial, at(0));
    assert!(cache.insert(b"entry", vec![1]));
    // A live writer's files never count against, nor push out, entries.
    assert_eq!(trim(dir.path(), 4 << 10, 1, &cache.live()), 0);
    assert!(!gone.exists() && !old_partial.exists());
    assert!(live.exists() && live_partial.exists());
    assert!(cache.get(b"entry").is_some());
    cache.merge(&live, false);
    assert!(!live.exists() && cache.live().is_empty());
}

#[test]
fn each_worker_stages_in_a_new_private_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cache = FunctionCache::open(dir.path()).unwrap();
    let (a, b) = (cache.stage().unwrap(), cache.stage().unwrap());
    assert_ne!(a, b);
    for staging in [&a, &b] {
        assert_eq!(fs::read_dir(staging).unwrap().count(), 0);
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&fs::metadata(staging).unwrap().permissions())
                & 0o777,
            0o700
        );
    }
}

#[cfg(unix)]
#[test]
fn a_folder_readable_by_others_is_made_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("functions");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    FunctionCache::open(&folder).unwrap();
    let mode = fs::metadata(&folder).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
}
