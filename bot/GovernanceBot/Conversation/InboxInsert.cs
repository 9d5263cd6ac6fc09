using System.Data.Common;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace GovernanceBot.Conversation;

/// <summary>
/// The inbox's one hot statement: a new item inserted unless its key is known, as a prepared
/// <c>INSERT … ON CONFLICT DO NOTHING RETURNING "Id"</c> on a connection the writer keeps open.
/// Tables, columns, quoting and value conversions (SQLite keeps times as ticks) come from the EF
/// model, so the statement is the model's on both stores. Measured with the inbound benchmark, the
/// same work through the change tracker (a context, a dedupe query, tracked inserts) made each
/// commit several times slower, and the inbox commits one at a time.
/// </summary>
internal sealed class InboxInsert : IAsyncDisposable
{
    private static readonly string[] Columns =
    [
        nameof(InboundEvent.Channel), nameof(InboundEvent.DedupeKey), nameof(InboundEvent.Kind), nameof(InboundEvent.ConversationKey),
        nameof(InboundEvent.PayloadJson), nameof(InboundEvent.ReceivedAt), nameof(InboundEvent.NextAttemptAt), nameof(InboundEvent.Status),
        nameof(InboundEvent.Attempts), nameof(InboundEvent.LeaseOwner), nameof(InboundEvent.LeaseUntil),
    ];

    private readonly GovernanceDb db;
    private readonly DbCommand command;
    private readonly (DbParameter Parameter, Func<object?, object?> ToStore)[] parameters;

    private InboxInsert(GovernanceDb db, DbCommand command, (DbParameter, Func<object?, object?>)[] parameters)
    {
        this.db = db;
        this.command = command;
        this.parameters = parameters;
    }

    public static async Task<InboxInsert> OpenAsync(IGovernanceDbFactory factory, CancellationToken cancellationToken)
    {
        var db = factory.Create();
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var entity = db.Model.FindEntityType(typeof(InboundEvent))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

            var command = db.Database.GetDbConnection().CreateCommand();
            var parameters = new (DbParameter, Func<object?, object?>)[Columns.Length];
            for (var i = 0; i < Columns.Length; i++)
            {
                var mapping = (RelationalTypeMapping)entity.FindProperty(Columns[i])!.GetTypeMapping();
                var parameter = mapping.CreateParameter(command, $"p{i}", null, nullable: true);
                command.Parameters.Add(parameter);
                var converter = mapping.Converter;
                parameters[i] = (parameter, converter is null ? v => v : v => v is null ? null : converter.ConvertToProvider(v));
            }

            command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", Columns.Select(Column))}) " +
                $"VALUES ({string.Join(", ", Columns.Select((_, i) => "@p" + i))}) " +
                $"ON CONFLICT ({Column(nameof(InboundEvent.Channel))}, {Column(nameof(InboundEvent.DedupeKey))}) DO NOTHING " +
                $"RETURNING {Column(nameof(InboundEvent.Id))}";
            return new InboxInsert(db, command, parameters);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>Begins the transaction the inserts join (through the context, so the store's interceptors see it).</summary>
    public async Task<IDbContextTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        command.Transaction = transaction.GetDbTransaction();
        return transaction;
    }

    /// <summary>The new row's id, or null when the key is known (a redelivery, or a duplicate earlier in the batch).</summary>
    public async Task<long?> InsertAsync(InboundEvent row, CancellationToken cancellationToken)
    {
        object?[] values =
        [
            row.Channel, row.DedupeKey, row.Kind, row.ConversationKey, row.PayloadJson, row.ReceivedAt, row.NextAttemptAt,
            row.Status, row.Attempts, row.LeaseOwner, row.LeaseUntil,
        ];
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Parameter.Value = parameters[i].ToStore(values[i]) ?? DBNull.Value;
        }

        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            null or DBNull => null,
            var id => Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await command.DisposeAsync();
        await db.DisposeAsync();
    }
}
