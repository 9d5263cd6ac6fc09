using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Store;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheMigrations_MatchTheModel_ForEachProvider(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var db = await store.OpenAsync();

        Assert.False(db.Database.HasPendingModelChanges(), "the entity model changed without a migration for this provider");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }
}
