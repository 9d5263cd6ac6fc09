using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using GovernanceBot.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Hosting;

/// <summary>Where the Data Protection key ring lives and what encrypts it (section <c>DataProtection</c>).</summary>
public sealed class DataProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>
    /// The directory an earlier version kept the key ring in. Its keys are still read (to decrypt
    /// what they protected) but never used to protect anything new; new keys go to the store.
    /// </summary>
    public string KeysPath { get; set; } = Path.Combine("data", "keys");

    /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts the keys at rest.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/> or <see cref="Certificate"/>, if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PKCS#12 itself, base64-encoded: what a Key Vault certificate's secret holds.</summary>
    public string? Certificate { get; set; }

    /// <summary>Alternatively: the thumbprint of a certificate (with its private key) in the user's or machine's "My" store.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Certificates that encrypted keys before a rotation (.pfx paths): still used to decrypt, never to encrypt.</summary>
    public List<string> PreviousCertificatePaths { get; set; } = [];
}

public static class DataProtectionSetup
{
    public const string ApplicationName = "GovernanceBot";

    /// <summary>
    /// Data Protection with its key ring in the governance store (shared by every instance and
    /// every revision), encrypted at rest with a certificate when one is configured.
    /// </summary>
    public static IServiceCollection AddGovernanceDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new DataProtectionSettings();
        var builder = services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new StoreXmlRepository(sp.GetRequiredService<IGovernanceDbFactory>(), new DirectoryInfo(settings.KeysPath))));

        var certificates = LoadCertificates(settings);
        if (certificates.Count > 0)
        {
            builder.ProtectKeysWithCertificate(certificates[0]);
            // Decryption must find the private key without a machine certificate store (Linux, containers).
            builder.UnprotectKeysWithAnyCertificate([.. certificates]);
        }

        return services;
    }

    private static List<X509Certificate2> LoadCertificates(DataProtectionSettings settings)
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            if (!string.IsNullOrWhiteSpace(settings.Certificate))
            {
                certificates.Add(X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(settings.Certificate.Trim()), settings.CertificatePassword));
            }
            else if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
            {
                certificates.Add(X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword));
            }
            else if (!string.IsNullOrWhiteSpace(settings.CertificateThumbprint))
            {
                certificates.Add(FindByThumbprint(settings.CertificateThumbprint.Replace(" ", string.Empty, StringComparison.Ordinal)));
            }

            certificates.AddRange(settings.PreviousCertificatePaths.Where(p => !string.IsNullOrWhiteSpace(p))
                .Select(p => X509CertificateLoader.LoadPkcs12FromFile(p, settings.CertificatePassword)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"The Data Protection certificate could not be loaded ({ex.Message}). Check DataProtection:Certificate, CertificatePath, CertificatePassword or CertificateThumbprint.");
        }

        if (certificates.Count > 0 && !certificates[0].HasPrivateKey)
        {
            throw new StartupRefusedException("The Data Protection certificate has no private key: the bot could not read its own keys back.");
        }

        return certificates;
    }

    private static X509Certificate2 FindByThumbprint(string thumbprint)
    {
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            using var store = new X509Store(StoreName.My, location);
            try
            {
                store.Open(OpenFlags.ReadOnly);
            }
            catch (CryptographicException)
            {
                // LocalMachine\My does not exist on Linux.
                continue;
            }

            if (store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false) is [var found, ..])
            {
                return found;
            }
        }

        throw new StartupRefusedException($"No certificate with thumbprint {thumbprint} in the CurrentUser or LocalMachine 'My' store.");
    }
}

/// <summary>
/// The key ring in the store's <c>DataProtectionKeys</c> table, plus — read only — the keys of the
/// directory an earlier version kept them in. Those old keys are presented as expired: they still
/// decrypt the Slack tokens they protected, but a new token is always protected with a key from the
/// store, which every instance can read. (Read both rather than copy: nothing is written twice, and
/// an install that never had the directory sees no difference.)
/// </summary>
internal sealed class StoreXmlRepository(IGovernanceDbFactory factory, DirectoryInfo legacyDirectory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = factory.Create();
        var stored = db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToList()
            .OfType<string>().Select(xml => XElement.Parse(xml));
        return [.. stored, .. LegacyElements()];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = factory.Create();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    private List<XElement> LegacyElements()
    {
        legacyDirectory.Refresh();
        if (!legacyDirectory.Exists)
        {
            return [];
        }

        return legacyDirectory.EnumerateFiles("*.xml").Select(f => DecryptOnly(XElement.Load(f.FullName))).ToList();
    }

    /// <summary>A key that expires when it became active is never chosen to protect, yet still unprotects.</summary>
    private static XElement DecryptOnly(XElement element)
    {
        if (element.Name == "key" && element.Element("activationDate") is { } activation && element.Element("expirationDate") is { } expiration)
        {
            expiration.Value = activation.Value;
        }

        return element;
    }
}
