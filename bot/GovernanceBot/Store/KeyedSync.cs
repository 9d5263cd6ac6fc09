namespace GovernanceBot.Store;

/// <summary>Makes a stored collection match a list of specs by key: used by import and by chat forms that define the same things.</summary>
public static class KeyedSync
{
    /// <summary>Adds, updates and removes entities so the collection matches the file, keyed by key.</summary>
    public static Dictionary<string, TEntity> Apply<TEntity, TSpec>(
        GovernanceDb db,
        List<TEntity> existing,
        IReadOnlyList<TSpec> wanted,
        Func<TEntity, string> entityKey,
        Func<TSpec, string> specKey,
        List<string> changes,
        string what,
        Func<TSpec, TEntity> create,
        Action<TEntity, TSpec> update,
        List<string>? removals = null,
        Func<TEntity, string?>? refuseRemoval = null,
        List<string>? errors = null,
        Func<TEntity, bool>? keepInstead = null)
        where TEntity : class
    {
        var wantedKeys = wanted.Select(specKey).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Where(e => !wantedKeys.Contains(entityKey(e))).ToList())
        {
            if (refuseRemoval?.Invoke(gone) is { } problem)
            {
                errors?.Add(problem);
                continue;
            }

            if (keepInstead?.Invoke(gone) == true)
            {
                continue;
            }

            existing.Remove(gone);
            db.Remove(gone);
            (removals ?? changes).Add($"{what} {entityKey(gone)} removed");
        }

        var result = new Dictionary<string, TEntity>(StringComparer.Ordinal);
        foreach (var spec in wanted)
        {
            var entity = existing.FirstOrDefault(e => entityKey(e) == specKey(spec));
            if (entity is null)
            {
                entity = create(spec);
                existing.Add(entity);
                db.Add(entity);
                changes.Add($"{what} {specKey(spec)} added");
            }

            update(entity, spec);
            result[specKey(spec)] = entity;
        }

        return result;
    }
}
