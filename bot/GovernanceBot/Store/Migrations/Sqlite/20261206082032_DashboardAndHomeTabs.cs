using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DashboardAndHomeTabs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DashboardLinkUses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardLinkUses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HomeTabs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    WorkspaceExternalId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ExternalUserId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HomeTabs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DashboardLinkUses_ExpiresAt",
                table: "DashboardLinkUses",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_HomeTabs_OpenedAt",
                table: "HomeTabs",
                column: "OpenedAt");

            migrationBuilder.CreateIndex(
                name: "IX_HomeTabs_WorkspaceId_Channel_ExternalUserId",
                table: "HomeTabs",
                columns: new[] { "WorkspaceId", "Channel", "ExternalUserId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DashboardLinkUses");

            migrationBuilder.DropTable(
                name: "HomeTabs");
        }
    }
}
