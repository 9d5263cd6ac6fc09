using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardLinkUses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HomeTabs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Channel = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    WorkspaceExternalId = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ExternalUserId = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Email = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Name = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
