-- Every statement that changes `api_keys` moves the counter and notifies
-- the channel `yalu_keys` with the schema's name; the notification is
-- delivered to every listening server when the transaction commits.
CREATE FUNCTION yalu_api_keys_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %I.key_generation SET generation = generation + 1', TG_TABLE_SCHEMA);
    PERFORM pg_notify('yalu_keys', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION yalu_api_keys_changed();
CREATE TRIGGER api_keys_truncated AFTER TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION yalu_api_keys_changed();
