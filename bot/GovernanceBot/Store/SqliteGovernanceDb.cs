using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace GovernanceBot.Store;

public sealed class SqliteGovernanceDb(DbContextOptions<SqliteGovernanceDb> options) : GovernanceDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite cannot compare or order DateTimeOffset text; as UTC ticks it can.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgresGovernanceDb(DbContextOptions<PostgresGovernanceDb> options) : GovernanceDb(options);
