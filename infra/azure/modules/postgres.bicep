// Azure Database for PostgreSQL flexible server (Burstable B1ms) with the `governance` database.
// Writes the admin password and the app's Npgsql connection string into Key Vault.

@description('Azure region.')
param location string

@description('Server name (globally unique, lowercase).')
param serverName string

@description('Administrator login name.')
param administratorLogin string

@secure()
@description('Administrator password. Must not contain a semicolon or a quote (it goes into a connection string).')
param administratorLoginPassword string

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param version string = '16'

@description('Name of the existing Key Vault that receives the secrets.')
param keyVaultName string

@description('Resource tags.')
param tags { *: string } = {}

var databaseName = 'governance'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 - 0.0.0.0 is Azure's "allow access from Azure services" rule: the Container App has no
// fixed outbound address on the consumption plan. Use VNet integration for a private server.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: 'postgres-admin-password'
  properties: {
    value: administratorLoginPassword
    contentType: 'text/plain'
  }
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: 'governance-connection-string'
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};Username=${administratorLogin};Password=${administratorLoginPassword};Ssl Mode=Require'
    contentType: 'text/plain'
  }
}

@description('Fully qualified domain name of the server.')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('Key Vault URI (without version) of the connection string secret.')
output connectionStringSecretUri string = connectionStringSecret.properties.secretUri

@description('Name of the application database.')
output databaseName string = database.name
