-- A transaction's preconditions judged by the server, so a write's checks
-- travel with its statements in one round trip: `leadhost_expect(holds)`
-- raises SQLSTATE LH409 unless `holds` is true (NULL, a missing row,
-- fails too). The host then runs the transaction again the slow way to
-- name what changed.
CREATE OR REPLACE FUNCTION leadhost_expect(holds BOOLEAN) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
BEGIN
    IF holds IS NOT TRUE THEN
        RAISE EXCEPTION 'a precondition of this transaction does not hold'
            USING ERRCODE = 'LH409';
    END IF;
    RETURN TRUE;
END
$$;
