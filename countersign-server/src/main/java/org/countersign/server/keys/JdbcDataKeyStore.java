package org.countersign.server.keys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.keys.DataKeyStore;
import org.countersign.core.keys.SealedBlob;
import org.countersign.core.keys.WrappedDataKey;
import org.countersign.server.store.Jdbc;

/** Wrapped data keys in PostgreSQL; the master key that unwraps them never enters the database (A-G5). */
public final class JdbcDataKeyStore implements DataKeyStore {
    private final Jdbc jdbc;

    public JdbcDataKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<WrappedDataKey> all() {
        return jdbc.query("select * from data_keys order by created_at, key_id", ps -> { }, JdbcDataKeyStore::map);
    }

    @Override
    public void insert(WrappedDataKey k) {
        jdbc.inTransaction(c -> {
            if (k.primary()) {
                try (var ps = c.prepareStatement("update data_keys set is_primary = false where purpose = ?")) {
                    ps.setString(1, k.purpose());
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("insert into data_keys (key_id, purpose, master_key_id, wrapped, created_at,"
                    + " is_primary) values (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, k.keyId());
                ps.setString(2, k.purpose());
                ps.setString(3, k.masterKeyId());
                ps.setString(4, k.wrapped().encode().toBase64Url());
                ps.setTimestamp(5, Timestamp.from(k.createdAt()));
                ps.setBoolean(6, k.primary());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void replace(WrappedDataKey k) {
        jdbc.update("update data_keys set master_key_id = ?, wrapped = ?, is_primary = ? where key_id = ?", ps -> {
            ps.setString(1, k.masterKeyId());
            ps.setString(2, k.wrapped().encode().toBase64Url());
            ps.setBoolean(3, k.primary());
            ps.setString(4, k.keyId());
        });
    }

    private static WrappedDataKey map(ResultSet rs) throws SQLException {
        return new WrappedDataKey(rs.getString("key_id"), rs.getString("purpose"), rs.getString("master_key_id"),
                SealedBlob.decode(ByteArray.fromBase64Url(rs.getString("wrapped"))),
                rs.getTimestamp("created_at").toInstant(), rs.getBoolean("is_primary"));
    }
}
