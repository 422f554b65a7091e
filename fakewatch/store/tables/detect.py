"""Tables written by detect: content clusters, coordinated and co-active accounts, floods, seeders and waves.

Every row is rebuilt by each `fakewatch detect` run (detection is a pure function
of the store and the parameters), so nothing here is edited by hand.
"""

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text

from .base import metadata

clusters = Table(
    "clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),  # text | link | domain | phone | forward | media
    Column("key", Text, nullable=False),  # template, URL, domain, E.164 phone, forward origin or media hash
    Column("size", Integer, nullable=False),  # member messages
    Column("accounts", Integer, nullable=False),  # distinct authors
    Column("chats", Integer, nullable=False),  # distinct chats
    Column("representative_pk", Integer, ForeignKey("messages.id")),  # earliest member
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

cluster_members = Table(
    "cluster_members",
    metadata,
    Column("cluster_id", Integer, ForeignKey("clusters.id"), primary_key=True),
    Column("message_pk", Integer, ForeignKey("messages.id"), primary_key=True),
    Column("similarity", Float),  # verified similarity to the cluster's representative, text clusters
)

coord_edges = Table(
    "coord_edges",
    metadata,
    Column("account_a", String(255), primary_key=True),  # account_a < account_b
    Column("account_b", String(255), primary_key=True),
    Column("weight", Integer, nullable=False),  # co-posts: messages each posted with the other within the window
    Column("clusters", JSON, nullable=False),  # ids of the clusters behind the co-posts
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

coord_groups = Table(
    "coord_groups",
    metadata,
    Column("account_id", String(255), primary_key=True),
    Column("group_id", Integer, nullable=False, index=True),
    Column("degree", Float, nullable=False),  # weighted degree in the coordination graph, scaled to [0, 1]
)

coactivity_pairs = Table(
    "coactivity_pairs",
    metadata,
    Column("account_a", String(255), primary_key=True),  # account_a < account_b
    Column("account_b", String(255), primary_key=True),
    Column("occasions", Integer, nullable=False),  # co-active occasions spanning several chats
    Column("expected", Float, nullable=False),  # co-posts expected by chance from the pair's own activity
    Column("window_s", Integer, nullable=False),  # seconds within which their posts in one chat were co-active
    Column("message_pks", JSON, nullable=False),  # both accounts' messages in those occasions
    Column("chats", JSON, nullable=False),  # "platform:chat_id" of those occasions
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

floods = Table(
    "floods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", String(255), nullable=False, index=True),
    Column("cluster_id", Integer, ForeignKey("clusters.id"), nullable=False, index=True),
    Column("chats", Integer, nullable=False),
    Column("messages", Integer, nullable=False),
    Column("start", DateTime, nullable=False),
    Column("end", DateTime, nullable=False),
)

seeders = Table(
    "seeders",
    metadata,
    Column("cluster_id", Integer, ForeignKey("clusters.id"), primary_key=True),
    Column("account_id", String(255), primary_key=True),
    Column("rank", Integer, nullable=False),  # 1 = most likely seeder
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False),  # e.g. ["first", "forward-origin", "central"]
)

waves = Table(
    "waves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", Integer, ForeignKey("clusters.id"), nullable=False, index=True),
    Column("start", DateTime, nullable=False),
    Column("end", DateTime, nullable=False),
    Column("messages", Integer, nullable=False),
    Column("chats", Integer, nullable=False),
)

Index("ix_cluster_members_message_pk", cluster_members.c.message_pk)
Index("ix_coord_edges_account_b", coord_edges.c.account_b)
Index("ix_coactivity_pairs_account_b", coactivity_pairs.c.account_b)
