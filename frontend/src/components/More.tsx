import { useTranslation } from "react-i18next";

interface Props {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label?: string;
}

/** The button under a list the API pages that reads its next page; absent on the last page. */
export function More({ list, label }: Props) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <div className="actions">
      <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
        {label ?? t("pager.more")}
      </button>
    </div>
  );
}
